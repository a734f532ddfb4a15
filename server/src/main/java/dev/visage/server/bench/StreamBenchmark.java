package dev.visage.server.bench;

import com.google.protobuf.ByteString;
import dev.visage.api.v1.Frame;
import dev.visage.api.v1.FrameResult;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.api.v1.RecognizeRequest;
import dev.visage.api.v1.RecognizeResponse;
import dev.visage.api.v1.StreamConfig;
import dev.visage.api.v1.TrackEventType;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Streams a video through Recognize, each stream sending its next frame as soon as the previous
 * one's result is back (so every frame is processed and nothing is dropped), with several streams
 * at once, with tracking on (each face embedded when its track needs it) and off (every face of
 * every frame embedded). Reports frames per second, round-trip latency per frame, and embeddings.
 */
public final class StreamBenchmark {

  /** One configuration's figures. */
  public record Row(int streams, boolean tracking, double framesPerSecond, double latencyMedianMs, double latencyP99Ms,
      long detections, long embeddings, long tracks) {

    public double embeddingsPerTrack() {
      return tracks == 0 ? 0 : (double) embeddings / tracks;
    }
  }

  private final Channel channel;
  private final List<byte[]> frames;

  public StreamBenchmark(Channel channel, List<byte[]> frames) {
    this.channel = channel;
    this.frames = frames;
  }

  /** Measures every combination of stream count and tracking mode, after a warm-up. */
  public List<Row> run(int[] streamCounts) throws Exception {
    runStreams(1, true, Math.min(60, frames.size()));
    List<Row> rows = new ArrayList<>();
    for (int streams : streamCounts) {
      for (boolean tracking : new boolean[] {true, false}) {
        rows.add(runStreams(streams, tracking, frames.size()));
      }
    }
    return rows;
  }

  private record StreamRun(List<Double> latenciesMs, long detections, long embeddings, long tracks) {}

  private Row runStreams(int streams, boolean tracking, int frameCount) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(streams);
    try {
      long start = System.nanoTime();
      List<Future<StreamRun>> runs = new ArrayList<>();
      for (int s = 0; s < streams; s++) {
        runs.add(clients.submit(() -> oneStream(tracking, frameCount)));
      }
      List<Double> latencies = new ArrayList<>();
      long detections = 0;
      long embeddings = 0;
      long tracks = 0;
      for (Future<StreamRun> run : runs) {
        StreamRun result = run.get(30, TimeUnit.MINUTES);
        latencies.addAll(result.latenciesMs());
        detections += result.detections();
        embeddings += result.embeddings();
        tracks += result.tracks();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Row(streams, tracking, streams * frameCount / seconds, Stats.median(latencies),
          Stats.percentile(latencies, 99), detections, embeddings, tracks);
    } finally {
      clients.shutdownNow();
    }
  }

  private StreamRun oneStream(boolean tracking, int frameCount) throws Exception {
    LinkedBlockingQueue<RecognizeResponse> inbox = new LinkedBlockingQueue<>();
    CompletableFuture<Status> done = new CompletableFuture<>();
    StreamObserver<RecognizeRequest> requests = RecognitionServiceGrpc.newStub(channel).recognize(new StreamObserver<>() {
      @Override
      public void onNext(RecognizeResponse value) {
        inbox.add(value);
      }

      @Override
      public void onError(Throwable t) {
        done.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        done.complete(Status.OK);
      }
    });
    requests.onNext(RecognizeRequest.newBuilder().setConfig(StreamConfig.newBuilder()
        .setName("benchmark").setEmbedEveryFrame(!tracking)).build());
    List<Double> latencies = new ArrayList<>(frameCount);
    long detections = 0;
    long embeddings = 0;
    long tracks = 0;
    for (int i = 0; i < frameCount; i++) {
      long sent = System.nanoTime();
      requests.onNext(RecognizeRequest.newBuilder().setFrame(Frame.newBuilder().setSequence(i)
          .setImage(Image.newBuilder().setEncoded(ByteString.copyFrom(frames.get(i))))).build());
      while (true) {
        RecognizeResponse response = inbox.poll(60, TimeUnit.SECONDS);
        if (response == null) {
          throw new IllegalStateException("no result within 60 s (stream status: " + done.getNow(null) + ")");
        }
        if (response.hasEvent() && response.getEvent().getType() == TrackEventType.TRACK_EVENT_TYPE_ENDED) {
          embeddings += response.getEvent().getEmbeddings();
          tracks++;
        }
        if (response.hasResult() && response.getResult().getSequence() == i) {
          FrameResult result = response.getResult();
          latencies.add((System.nanoTime() - sent) / 1e6);
          detections += result.getFacesCount();
          break;
        }
      }
    }
    requests.onCompleted();
    Status status = done.get(60, TimeUnit.SECONDS);
    if (!status.isOk()) {
      throw new IllegalStateException("the stream failed: " + status);
    }
    for (RecognizeResponse response : inbox) {
      if (response.hasEvent() && response.getEvent().getType() == TrackEventType.TRACK_EVENT_TYPE_ENDED) {
        embeddings += response.getEvent().getEmbeddings();
        tracks++;
      }
    }
    return new StreamRun(latencies, detections, embeddings, tracks);
  }

  public static Table table(List<Row> rows) {
    Table table = new Table("streams", "tracking", "frames/s (all streams)", "latency median ms", "latency p99 ms",
        "detections", "embeddings", "embeddings/detection", "embeddings/track");
    for (Row row : rows) {
      table.add(row.streams(), row.tracking() ? "on" : "off (embed every face)",
          String.format(Locale.ROOT, "%.1f", row.framesPerSecond()),
          String.format(Locale.ROOT, "%.1f", row.latencyMedianMs()),
          String.format(Locale.ROOT, "%.1f", row.latencyP99Ms()),
          row.detections(), row.embeddings(),
          String.format(Locale.ROOT, "%.2f", row.detections() == 0 ? 0 : (double) row.embeddings() / row.detections()),
          String.format(Locale.ROOT, "%.1f", row.embeddingsPerTrack()));
    }
    return table;
  }
}
