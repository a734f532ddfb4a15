package dev.visage.server;

import dev.visage.api.v1.CameraServiceGrpc;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.GetServerInfoResponse;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.server.api.CameraGrpcService;
import dev.visage.server.api.ConcurrencyLimitInterceptor;
import dev.visage.server.api.GalleryGrpcService;
import dev.visage.server.api.RecognitionGrpcService;
import dev.visage.server.api.StrictRequestParsing;
import dev.visage.server.camera.CameraRegistry;
import dev.visage.server.config.ServerSettings;
import dev.visage.server.gallery.Gallery;
import dev.visage.server.gallery.GalleryStats;
import dev.visage.server.gallery.LuceneGallery;
import dev.visage.server.gallery.solr.SolrGallery;
import dev.visage.server.live.LiveRecognition;
import dev.visage.server.metrics.Metrics;
import dev.visage.server.metrics.MetricsEndpoint;
import dev.visage.server.recognition.Enroller;
import dev.visage.server.recognition.MatchPolicy;
import dev.visage.server.recognition.Recognizer;
import dev.visage.server.security.ApiKeys;
import dev.visage.server.security.AuthInterceptor;
import dev.visage.server.security.AuthMode;
import dev.visage.server.security.SecuritySettings;
import dev.visage.server.security.TransportSecurity;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Visage server: the engine, the gallery and the gRPC endpoint with health and
 * reflection. {@link #start} returns once it is serving; {@link #close} shuts it down gracefully.
 */
public final class VisageServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VisageServer.class);

  private final ServerSettings settings;
  private final Engine engine;
  private final Gallery gallery;
  private final LiveRecognition live;
  private final CameraRegistry cameras;
  private final HealthStatusManager health = new HealthStatusManager();
  private final ExecutorService callExecutor;
  private final Server server;
  private final ApiKeys apiKeys;
  private final Metrics.Source metricsSource;
  private final MetricsEndpoint metrics;
  private volatile boolean closed;

  private VisageServer(ServerSettings settings, Engine engine, Gallery gallery, ServerCredentials credentials,
      ApiKeys apiKeys, AuthInterceptor auth, MetricsEndpoint metrics) throws IOException {
    this.settings = settings;
    this.engine = engine;
    this.gallery = gallery;

    float threshold = settings.recognition().threshold() != null
        ? settings.recognition().threshold()
        : engine.embedderSpec().threshold();
    MatchPolicy policy = new MatchPolicy(threshold);
    Recognizer recognizer = new Recognizer(engine.pipeline(), gallery, policy, settings.recognition().maxFacesPerImage());
    Enroller enroller = new Enroller(engine.pipeline(), gallery, settings.recognition().enrollment());
    this.live = new LiveRecognition(engine.pipeline(), gallery, policy, settings.live());
    this.cameras = new CameraRegistry(settings.storage().camerasFile(), live);

    AtomicInteger threads = new AtomicInteger();
    // Calls run here, never on the transport's event loops: they block on the models and the disk.
    this.callExecutor = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "visage-call-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    ServerSettings.Network network = settings.network();
    ConcurrencyLimitInterceptor limiter = new ConcurrencyLimitInterceptor(network.maxConcurrentRequests());
    this.apiKeys = apiKeys;
    // Interceptors run last-listed first: the key is checked before the call takes a concurrency slot.
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress(network.host(), network.port()),
            credentials)
        .executor(callExecutor)
        .maxInboundMessageSize(network.maxMessageBytes())
        .addService(ServerInterceptors.intercept(StrictRequestParsing.apply(
            new RecognitionGrpcService(recognizer, live, () -> serverInfo(policy)).bindService()), limiter, auth))
        .addService(ServerInterceptors.intercept(StrictRequestParsing.apply(
            new GalleryGrpcService(enroller, gallery, engine.embedderSpec().versionedId(),
                engine.embedder().dimension()).bindService()), limiter, auth))
        .addService(ServerInterceptors.intercept(StrictRequestParsing.apply(
            new CameraGrpcService(cameras).bindService()), limiter, auth))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(ProtoReflectionService.newInstance())
        .build()
        .start();

    this.metricsSource = new Metrics.Source(() -> gallery.stats().persons(), () -> gallery.stats().faces(),
        limiter::inFlight, () -> engine.batcher().queued(), live::openStreams);
    Metrics.watch(metricsSource);
    this.metrics = metrics;

    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(RecognitionServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(GalleryServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(CameraServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    cameras.startAll();
  }

  /**
   * Loads the models, opens the gallery and starts serving. Health reports SERVING from the moment
   * the port is open, because the port opens only once both are ready.
   */
  public static VisageServer start(ServerSettings settings) throws Exception {
    long started = System.nanoTime();
    // Security first: a server that must not start learns it before minutes of model loading.
    SecuritySettings security = settings.security();
    ServerCredentials credentials = TransportSecurity.credentials(security);
    ApiKeys apiKeys = new ApiKeys(security.apiKeysFile());
    AuthInterceptor auth = new AuthInterceptor(apiKeys, security.auth());
    TransportSecurity.checkExposure(settings.network().host(), security, auth.keysRequired());
    logAccess(security, auth);
    Engine engine = Engine.load(settings);
    Gallery gallery = null;
    MetricsEndpoint metrics = null;
    try {
      gallery = openGallery(settings.storage(), engine);
      ServerSettings.Network network = settings.network();
      if (network.metricsPort() >= 0) {
        metrics = MetricsEndpoint.start(network.metricsHost() != null ? network.metricsHost() : network.host(),
            network.metricsPort());
      }
      VisageServer server = new VisageServer(settings, engine, gallery, credentials, apiKeys, auth, metrics);
      log.info("Visage is serving on {}:{} ({} models on {}, ready in {} ms). Stop it with Ctrl+C.",
          settings.network().host(), server.port(), engine.detectorSpec().id() + " + " + engine.embedderSpec().id(),
          engine.device(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      if (metrics != null) {
        log.info("Metrics for Prometheus at http://{}:{}/metrics", network.metricsHost() != null
            ? network.metricsHost() : network.host(), metrics.port());
      }
      return server;
    } catch (Exception | Error e) {
      if (metrics != null) {
        metrics.close();
      }
      if (gallery != null) {
        gallery.close();
      }
      engine.close();
      throw e;
    }
  }

  /** The embedded Lucene gallery, or the shared SolrCloud collection when one is configured. */
  static Gallery openGallery(ServerSettings.Storage storage, Engine engine) {
    String model = engine.embedderSpec().versionedId();
    int dimension = engine.embedder().dimension();
    return storage.solr() == null
        ? LuceneGallery.open(storage.galleryDir(), model, dimension, storage.vectors())
        : SolrGallery.connect(storage.solr(), model, dimension, storage.vectors());
  }

  private static void logAccess(SecuritySettings security, AuthInterceptor auth) {
    log.info("Transport: {}", !security.tls() ? "plain text"
        : security.mutualTls() ? "TLS, client certificates required (mutual TLS)" : "TLS");
    if (security.auth() == AuthMode.NONE) {
      log.info("API keys: not checked (--auth NONE): every client may make every call");
    } else if (auth.keysRequired()) {
      log.info("API keys: required ({})", security.apiKeysFile());
    } else {
      log.info("API keys: none exist yet, so every client may make every call; the first key made with "
          + "'visage keys create' makes keys required at once");
    }
  }

  /** The metrics endpoint's port, or -1 when it is off. */
  public int metricsPort() {
    return metrics == null ? -1 : metrics.port();
  }

  /** The port actually listened on (useful when 0 was asked for). */
  public int port() {
    return server.getPort();
  }

  public ApiKeys apiKeys() {
    return apiKeys;
  }

  public Gallery gallery() {
    return gallery;
  }

  public Engine engine() {
    return engine;
  }

  public LiveRecognition live() {
    return live;
  }

  public CameraRegistry cameras() {
    return cameras;
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  private GetServerInfoResponse serverInfo(MatchPolicy policy) {
    GalleryStats stats = gallery.stats();
    String version = VisageServer.class.getPackage().getImplementationVersion();
    return GetServerInfoResponse.newBuilder()
        .setVersion(version == null ? "development" : version)
        .setDetectorModelId(engine.detectorSpec().versionedId())
        .setEmbedderModelId(engine.embedderSpec().versionedId())
        .setDefaultThreshold(policy.defaultThreshold())
        .setDefaultMinDetectionScore(settings.detector().scoreThreshold())
        .setMaxMessageBytes(settings.network().maxMessageBytes())
        .setMaxImagePixels(settings.imageLimits().maxPixels())
        .setExecutionProvider(engine.device().name())
        .setPersonCount(stats.persons())
        .setFaceCount(stats.faces())
        .build();
  }

  /**
   * Stops taking calls (health says NOT_SERVING at once), lets calls in progress finish within the
   * grace period, then frees the models and closes the gallery.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("Shutting down: finishing calls in progress");
    health.enterTerminalState();
    // Streams never finish by themselves: tell them now instead of waiting out the grace period.
    live.endStreams();
    cameras.events().close();
    server.shutdown();
    try {
      if (!server.awaitTermination(settings.network().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("Calls still running after {}; cancelling them", settings.network().shutdownGrace());
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    callExecutor.shutdownNow();
    Metrics.unwatch(metricsSource);
    if (metrics != null) {
      metrics.close();
    }
    try {
      cameras.close();
      live.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      engine.close();
    } catch (Exception e) {
      log.warn("Closing the models failed: {}", e.toString());
    }
    gallery.close();
    log.info("Visage stopped");
  }
}
