package dev.visage.server.bench;

import com.google.protobuf.ByteString;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.server.recognition.Recognizer;
import dev.visage.server.vision.ImageInput;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the network layer costs: unary Identify through a real gRPC server on loopback against the
 * same recognizer called in-process, at the same number of concurrent clients, in interleaved
 * rounds of fixed length. Each client sends its next photo as soon as its previous answer is back.
 */
public final class WireBenchmark {

  private final ManagedChannel channel;
  private final Recognizer recognizer;
  private final List<byte[]> photos;
  private final List<ByteString> encoded;

  public WireBenchmark(ManagedChannel channel, Recognizer recognizer, List<byte[]> photos) {
    this.channel = channel;
    this.recognizer = recognizer;
    this.photos = List.copyOf(photos);
    this.encoded = photos.stream().map(ByteString::copyFrom).toList();
  }

  /** Requests per second and latency of one side at one concurrency, over all its rounds. */
  public record Side(double requestsPerSecond, double facesPerSecond, double p50Ms, double p99Ms, Map<String, Integer> errors) {}

  /** Both sides at one concurrency; {@code ratio} is the median of per-round gRPC / in-process throughput. */
  public record Result(int clients, Side grpc, Side direct, double ratio) {}

  private interface Call {
    /** Identifies one photo and returns how many faces it had. */
    int identify(int photo) throws Exception;
  }

  /** One round's figures. */
  private record Round(int requests, int faces, List<Double> latencies, Map<String, Integer> errors, double seconds) {}

  public List<Result> run(int[] clientCounts, int rounds, double secondsPerRound) throws InterruptedException {
    RecognitionServiceGrpc.RecognitionServiceBlockingStub stub = RecognitionServiceGrpc.newBlockingStub(channel);
    Recognizer.IdentifyOptions options = new Recognizer.IdentifyOptions(null, 1, 0, null);
    Call overGrpc = photo -> stub.withDeadlineAfter(60, TimeUnit.SECONDS)
        .identify(IdentifyRequest.newBuilder().setImage(Image.newBuilder().setEncoded(encoded.get(photo))).setMaxCandidates(1).build())
        .getFacesCount();
    Call inProcess = photo -> recognizer.identify(ImageInput.Encoded.of(photos.get(photo)), options).faces().size();

    round(overGrpc, 1, Math.min(3, secondsPerRound)); // warm-up: JIT, connections, model caches
    round(inProcess, 1, Math.min(3, secondsPerRound));
    List<Result> results = new ArrayList<>();
    for (int clients : clientCounts) {
      List<Round> grpcRounds = new ArrayList<>();
      List<Round> directRounds = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        // Alternate which side goes first, so a slow patch of the machine does not favour one.
        Round grpcRound;
        Round directRound;
        if (r % 2 == 0) {
          grpcRound = round(overGrpc, clients, secondsPerRound);
          directRound = round(inProcess, clients, secondsPerRound);
        } else {
          directRound = round(inProcess, clients, secondsPerRound);
          grpcRound = round(overGrpc, clients, secondsPerRound);
        }
        grpcRounds.add(grpcRound);
        directRounds.add(directRound);
        ratios.add((grpcRound.requests() / grpcRound.seconds()) / (directRound.requests() / directRound.seconds()));
      }
      results.add(new Result(clients, summarise(grpcRounds), summarise(directRounds), Stats.median(ratios)));
    }
    return results;
  }

  private Round round(Call call, int clients, double seconds) throws InterruptedException {
    AtomicInteger requests = new AtomicInteger();
    AtomicInteger faces = new AtomicInteger();
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    Map<String, Integer> errors = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    CountDownLatch done = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      int first = c * photos.size() / clients; // clients start at different photos
      Thread.ofPlatform().daemon().name("bench-client-" + c).start(() -> {
        try {
          for (int i = first; System.nanoTime() < end; i++) {
            long sent = System.nanoTime();
            try {
              faces.addAndGet(call.identify(i % photos.size()));
              latencies.add((System.nanoTime() - sent) / 1e6);
              requests.incrementAndGet();
            } catch (StatusRuntimeException e) {
              errors.merge(e.getStatus().getCode().name(), 1, Integer::sum);
            } catch (Exception e) {
              errors.merge(Status.fromThrowable(e).getCode().name(), 1, Integer::sum);
            }
          }
        } finally {
          done.countDown();
        }
      });
    }
    done.await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    return new Round(requests.get(), faces.get(), latencies, errors, elapsed);
  }

  private static Side summarise(List<Round> rounds) {
    List<Double> latencies = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    List<Double> faceRates = new ArrayList<>();
    Map<String, Integer> errors = new TreeMap<>();
    for (Round round : rounds) {
      latencies.addAll(round.latencies());
      rates.add(round.requests() / round.seconds());
      faceRates.add(round.faces() / round.seconds());
      round.errors().forEach((code, count) -> errors.merge(code, count, Integer::sum));
    }
    return new Side(Stats.median(rates), Stats.median(faceRates), Stats.median(latencies), Stats.percentile(latencies, 99), errors);
  }

  public static Table table(List<Result> results) {
    Table table = new Table("clients", "gRPC req/s", "in-process req/s", "gRPC / in-process", "gRPC p50 ms", "in-process p50 ms",
        "gRPC p99 ms", "in-process p99 ms", "faces/s (gRPC)", "errors");
    for (Result result : results) {
      String errors = result.grpc().errors().isEmpty() && result.direct().errors().isEmpty()
          ? "none" : "gRPC " + result.grpc().errors() + ", in-process " + result.direct().errors();
      table.add(result.clients(), f1(result.grpc().requestsPerSecond()), f1(result.direct().requestsPerSecond()),
          String.format(Locale.ROOT, "%.2f", result.ratio()), f1(result.grpc().p50Ms()), f1(result.direct().p50Ms()),
          f1(result.grpc().p99Ms()), f1(result.direct().p99Ms()), f1(result.grpc().facesPerSecond()), errors);
    }
    return table;
  }

  private static String f1(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
