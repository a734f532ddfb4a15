package dev.visage.server.live;

import dev.visage.server.gallery.Gallery;
import dev.visage.server.gallery.PersonMatch;
import dev.visage.server.inference.FaceDetection;
import dev.visage.server.metrics.Metrics;
import dev.visage.server.recognition.FacePipeline;
import dev.visage.server.recognition.MatchPolicy;
import dev.visage.server.tracking.IdentityChange;
import dev.visage.server.tracking.Track;
import dev.visage.server.tracking.Tracker;
import dev.visage.server.tracking.TrackingSettings;
import dev.visage.server.vision.SceneChangeDetector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Recognition of one stream of frames (a client's stream or a camera): detect, follow each face
 * with the {@link Tracker}, embed a track only when it starts or its view may have improved, and
 * name it by a vote over its embeddings. A cut to a new shot ends every track; an embedding that
 * clearly disagrees with a track's earlier ones splits it. One frame at a time.
 */
public final class LiveSession implements AutoCloseable {

  private static final int CANDIDATES = 3;

  private final FacePipeline pipeline;
  private final Gallery gallery;
  private final MatchPolicy policy;
  private final LiveOptions options;
  private final Tracker tracker;
  private final TrackingSettings tracking;
  private final SceneChangeDetector scenes;
  private FrameInfo lastFrame;
  private long galleryRevision;

  private final Runnable onClose;
  private boolean closed;

  /** @param onClose run once when the session is closed */
  public LiveSession(FacePipeline pipeline, Gallery gallery, MatchPolicy policy, TrackingSettings tracking,
      LiveOptions options, Runnable onClose) {
    this.onClose = onClose;
    this.pipeline = pipeline;
    this.gallery = gallery;
    this.policy = policy;
    this.options = options;
    this.tracking = tracking;
    this.tracker = new Tracker(tracking);
    this.scenes = new SceneChangeDetector(tracking.cutThreshold());
    this.galleryRevision = gallery.revision();
  }

  public LiveOptions options() {
    return options;
  }

  /**
   * Recognises one decoded frame.
   *
   * @param events receives the frame's track events, in order, before the result is returned
   */
  public LiveFrame process(FacePipeline.Image image, FrameInfo frame, Consumer<LiveEvent> events)
      throws InterruptedException {
    lastFrame = frame;
    if (scenes.isCut(image.pixels())) {
      // A new shot: whoever was where is not who is there now.
      for (Track track : tracker.endAll()) {
        events.accept(event(LiveEvent.Type.ENDED, track, frame, Optional.empty()));
      }
    }
    long revision = gallery.revision();
    if (revision != galleryRevision) {
      // Persons were deleted or renamed: a deleted person is a stranger now, at once.
      galleryRevision = revision;
      tracker.revalidate(gallery::displayName).forEach((track, change) ->
          events.accept(event(LiveEvent.Type.IDENTITY_CHANGED, track, frame, change.before())));
    }
    List<FaceDetection> detections = image.detect(options.minDetectionScore());
    Tracker.Update update = tracker.update(detections);
    for (Track ended : update.ended()) {
      events.accept(event(LiveEvent.Type.ENDED, ended, frame, Optional.empty()));
    }
    for (Track started : update.started()) {
      events.accept(event(LiveEvent.Type.STARTED, started, frame, Optional.empty()));
    }

    List<Track> toEmbed = options.embedEveryFrame()
        ? update.visible().stream().map(Tracker.Observation::track)
            .filter(t -> t.lastDetection().box().shortSide() >= tracking.minEmbedSize()).toList()
        : tracker.wantingEmbeddings(update);
    List<float[]> vectors = image.embed(toEmbed.stream().map(Track::lastDetection).toList());
    Map<Track, Track> replaced = new HashMap<>();
    for (int i = 0; i < toEmbed.size(); i++) {
      Track track = toEmbed.get(i);
      float[] vector = vectors.get(i);
      if (tracker.belongsToSomeoneElse(track, vector)) {
        Track successor = tracker.split(track);
        events.accept(event(LiveEvent.Type.ENDED, track, frame, Optional.empty()));
        events.accept(event(LiveEvent.Type.STARTED, successor, frame, Optional.empty()));
        replaced.put(track, successor);
        track = successor;
      }
      long searching = System.nanoTime();
      List<PersonMatch> candidates = gallery.search(vector, CANDIDATES);
      Metrics.stage("search", searching);
      IdentityChange change = tracker.recordVerdict(track, vector, policy.decide(candidates, options.threshold()));
      switch (change.kind()) {
        case IDENTIFIED -> events.accept(event(LiveEvent.Type.IDENTIFIED, track, frame, Optional.empty()));
        case CHANGED -> events.accept(event(LiveEvent.Type.IDENTITY_CHANGED, track, frame, change.before()));
        case NONE -> { }
      }
    }

    List<LiveFace> faces = new ArrayList<>(update.visible().size());
    for (Tracker.Observation seen : update.visible()) {
      Track track = replaced.getOrDefault(seen.track(), seen.track());
      faces.add(new LiveFace(track.id(), seen.detection(), track.identity(), track.confidence(), track.embeddings()));
    }
    faces.sort((a, b) -> FacePipeline.LARGEST_FIRST.compare(a.detection(), b.detection()));
    return new LiveFrame(frame, image.width(), image.height(), faces, System.nanoTime() - frame.arrivalNanos(), "",
        toEmbed.size());
  }

  /** Ends every track: the stream is over. The events belong to the last processed frame. */
  public void end(Consumer<LiveEvent> events) {
    for (Track track : tracker.endAll()) {
      events.accept(event(LiveEvent.Type.ENDED, track, lastFrame, Optional.empty()));
    }
  }

  public int activeTracks() {
    return tracker.activeTracks();
  }

  /** Frees the session's buffers. Not while a frame is being processed. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      scenes.close();
      onClose.run();
    }
  }

  private static LiveEvent event(LiveEvent.Type type, Track track, FrameInfo frame, Optional<PersonMatch> previous) {
    return new LiveEvent(type, track.id(), frame, track.identity(), previous, track.embeddings(), track.framesSeen());
  }
}
