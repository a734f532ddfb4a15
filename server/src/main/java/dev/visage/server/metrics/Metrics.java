package dev.visage.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Everything Visage measures about itself, in Prometheus' default registry. The names and labels
 * are part of the operator's interface (the README lists them); they carry no personal data:
 * no names, ids, images or vectors.
 */
public final class Metrics {

  private Metrics() {}

  /** Unary calls by method and gRPC status code. */
  public static final Counter REQUESTS = Counter.builder()
      .name("visage_requests_total")
      .help("Unary calls answered, by method and gRPC status code")
      .labelNames("method", "code")
      .register();

  public static final Histogram REQUEST_SECONDS = Histogram.builder()
      .name("visage_request_duration_seconds")
      .help("Time to answer a unary call, by method")
      .labelNames("method")
      .classicOnly()
      .register();

  /** The pipeline's stages: decode, detect, align, embed, search. */
  public static final Histogram STAGE_SECONDS = Histogram.builder()
      .name("visage_stage_duration_seconds")
      .help("Time of one pipeline stage for one image (align, embed and search: all its faces)")
      .labelNames("stage")
      .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5)
      .register();

  public static final Histogram EMBEDDING_BATCH = Histogram.builder()
      .name("visage_embedding_batch_faces")
      .help("Faces per embedding run (batches gather faces from concurrent requests)")
      .classicUpperBounds(1, 2, 4, 8, 16, 32, 64)
      .register();

  /** Live frames by source (stream or camera), its name, and what became of them. */
  public static final Counter FRAMES = Counter.builder()
      .name("visage_frames_total")
      .help("Live frames by source kind (stream, camera), source name, and outcome (processed, dropped: "
          + "replaced by a newer frame before it was processed, skipped: over the frame rate limit)")
      .labelNames("source", "name", "outcome")
      .register();

  private static final List<Source> SOURCES = new CopyOnWriteArrayList<>();

  /**
   * The gauges read running servers when scraped; a process may run several (tests do), so each
   * gauge sums over them.
   */
  public record Source(LongSupplier persons, LongSupplier faces, LongSupplier requestsInFlight,
      LongSupplier embeddingQueue, LongSupplier openStreams) {}

  static {
    gauge("visage_gallery_persons", "Persons enrolled", Source::persons);
    gauge("visage_gallery_faces", "Faces enrolled", Source::faces);
    gauge("visage_requests_in_flight", "Unary calls being processed now (refused beyond --max-concurrent-requests)",
        Source::requestsInFlight);
    gauge("visage_embedding_queue_faces", "Faces waiting for the embedder", Source::embeddingQueue);
    gauge("visage_streams_open", "Recognize streams open now", Source::openStreams);
  }

  private static void gauge(String name, String help, java.util.function.Function<Source, LongSupplier> value) {
    GaugeWithCallback.builder().name(name).help(help)
        .callback(callback -> callback.call(SOURCES.stream().mapToLong(source -> value.apply(source).getAsLong()).sum()))
        .register();
  }

  public static void watch(Source source) {
    SOURCES.add(source);
  }

  public static void unwatch(Source source) {
    SOURCES.remove(source);
  }

  /** Records a stage's time since {@code startNanos}. */
  public static void stage(String stage, long startNanos) {
    STAGE_SECONDS.labelValues(stage).observe((System.nanoTime() - startNanos) / 1e9);
  }
}
