package dev.visage.server.camera;

import dev.visage.server.gallery.NotFoundException;
import dev.visage.server.live.LiveRecognition;
import dev.visage.server.recognition.InvalidRequestException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cameras the server reads itself: registered, kept in a file across restarts, each with its
 * own {@link CameraWorker}, and their results and events published to the {@link EventHub}.
 */
public final class CameraRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CameraRegistry.class);

  private final CameraStore store;
  private final LiveRecognition live;
  private final EventHub hub = new EventHub();
  private final Map<String, CameraWorker> workers = new LinkedHashMap<>();

  /** @param file where the camera list is kept */
  public CameraRegistry(Path file, LiveRecognition live) {
    this.store = new CameraStore(file);
    this.live = live;
  }

  public EventHub events() {
    return hub;
  }

  /** Starts every camera registered before. */
  public synchronized void startAll() {
    for (CameraSpec spec : store.load()) {
      try {
        startWorker(spec);
      } catch (InvalidRequestException e) {
        log.warn("Camera {} cannot start: {}", spec.name(), e.getMessage());
      }
    }
  }

  /**
   * Registers a camera and starts reading it.
   *
   * @throws InvalidRequestException for a URL that is not a camera source or options out of range
   */
  public synchronized CameraStatus add(String name, String url, float maxFps, Float threshold, boolean loop) {
    CameraUrl.parse(url);
    live.options(name, threshold, null, maxFps, false); // checks the ranges before anything is kept
    CameraSpec spec = new CameraSpec(UUID.randomUUID().toString(), name, url.strip(), maxFps, threshold, loop);
    List<CameraSpec> specs = new ArrayList<>(workers.values().stream().map(CameraWorker::spec).toList());
    specs.add(spec);
    store.save(specs);
    return startWorker(spec).status();
  }

  public synchronized List<CameraStatus> list() {
    return workers.values().stream().map(CameraWorker::status).toList();
  }

  /** @throws NotFoundException for an unknown id */
  public synchronized CameraStatus get(String id) {
    return worker(id).status();
  }

  /** Stops a camera and forgets it. @throws NotFoundException for an unknown id */
  public void remove(String id) throws InterruptedException {
    CameraWorker worker;
    synchronized (this) {
      worker = worker(id);
      workers.remove(id);
      store.save(workers.values().stream().map(CameraWorker::spec).toList());
    }
    worker.stop();
    hub.cameraRemoved(id);
  }

  /** @throws NotFoundException for an unknown id */
  public synchronized void requireKnown(String id) {
    worker(id);
  }

  private CameraWorker worker(String id) {
    CameraWorker worker = workers.get(id);
    if (worker == null) {
      throw new NotFoundException("camera", id);
    }
    return worker;
  }

  private CameraWorker startWorker(CameraSpec spec) {
    CameraWorker worker = new CameraWorker(spec, CameraUrl.parse(spec.url()), live, hub);
    workers.put(spec.id(), worker);
    worker.start();
    return worker;
  }

  /** Masks a URL's password for display. */
  public static String maskedUrl(String url) {
    return CameraUrl.masked(url);
  }

  @Override
  public void close() throws InterruptedException {
    List<CameraWorker> running;
    synchronized (this) {
      running = new ArrayList<>(workers.values());
      workers.clear();
    }
    running.forEach(CameraWorker::requestStop); // all at once: each may wait out a read timeout
    for (CameraWorker worker : running) {
      worker.stop();
    }
  }
}
