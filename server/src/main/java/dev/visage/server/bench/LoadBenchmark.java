package dev.visage.server.bench;

import com.google.protobuf.ByteString;
import dev.visage.api.v1.Frame;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.api.v1.RecognizeRequest;
import dev.visage.api.v1.RecognizeResponse;
import dev.visage.api.v1.StreamConfig;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server under more load than it can take: many unary Identify clients without pause plus
 * several Recognize streams, for a fixed time. Reports what was served and how fast, how quickly
 * the excess was refused (RESOURCE_EXHAUSTED or UNAVAILABLE, to be retried with backoff) and how
 * much memory the process held: an overloaded server should answer every call promptly, one way
 * or the other, rather than queue without bound.
 */
public final class LoadBenchmark {

  /**
   * After a refusal a client waits, as a well-behaved client backs off: from this long, doubling
   * with each refusal in a row up to {@link #MAX_BACKOFF}, with jitter.
   */
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
  private static final Duration MAX_BACKOFF = Duration.ofMillis(1600);

  private final Channel channel;
  private final List<ByteString> photos;
  private final List<ByteString> frames;

  public LoadBenchmark(Channel channel, List<byte[]> photos, List<byte[]> frames) {
    this.channel = channel;
    this.photos = photos.stream().map(ByteString::copyFrom).toList();
    this.frames = frames.stream().map(ByteString::copyFrom).toList();
  }

  /**
   * @param servedMs latency of the unary calls that were answered
   * @param refusedMs latency of the unary calls refused for overload
   * @param otherErrors any other outcome, by status code: there should be none
   * @param streamsRefused streams refused at the stream limit
   * @param peakHeapMiB the most heap in use at any sample (every 100 ms)
   * @param peakRssMiB the most resident memory of the process at any sample
   */
  public record Result(int unaryClients, int streams, double seconds, long served, List<Double> servedMs,
      long refused, List<Double> refusedMs, Map<String, Long> otherErrors, long frames, long streamsRefused,
      double peakHeapMiB, double peakRssMiB) {

    public double servedPerSecond() {
      return served / seconds;
    }

    public double refusedPerSecond() {
      return refused / seconds;
    }

    public double framesPerSecond() {
      return frames / seconds;
    }
  }

  public Result run(int unaryClients, int streams, Duration duration) throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    List<Double> servedMs = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Double> refusedMs = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, Long> otherErrors = new ConcurrentHashMap<>();
    AtomicLong frameCount = new AtomicLong();
    AtomicLong streamsRefused = new AtomicLong();
    MemorySampler memory = new MemorySampler();
    Thread sampler = Thread.ofPlatform().daemon().start(() -> memory.sampleUntil(end));

    List<Thread> workers = new ArrayList<>();
    long started = System.nanoTime();
    for (int c = 0; c < unaryClients; c++) {
      int client = c;
      workers.add(Thread.ofPlatform().start(() -> unaryClient(client, end, servedMs, refusedMs, otherErrors)));
    }
    for (int s = 0; s < streams; s++) {
      workers.add(Thread.ofPlatform().start(() -> stream(end, frameCount, streamsRefused, otherErrors)));
    }
    for (Thread worker : workers) {
      worker.join();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    sampler.join();
    return new Result(unaryClients, streams, seconds, servedMs.size(), List.copyOf(servedMs), refusedMs.size(),
        List.copyOf(refusedMs), new TreeMap<>(otherErrors), frameCount.get(), streamsRefused.get(),
        memory.peakHeapMiB, memory.peakRssMiB);
  }

  private void unaryClient(int client, long end, List<Double> servedMs, List<Double> refusedMs, Map<String, Long> errors) {
    RecognitionServiceGrpc.RecognitionServiceBlockingStub stub = RecognitionServiceGrpc.newBlockingStub(channel);
    java.util.Random jitter = new java.util.Random(client);
    Duration backoff = FIRST_BACKOFF;
    for (int n = client; System.nanoTime() < end; n++) {
      long sent = System.nanoTime();
      try {
        stub.withDeadlineAfter(30, TimeUnit.SECONDS).identify(IdentifyRequest.newBuilder()
            .setImage(Image.newBuilder().setEncoded(photos.get(n % photos.size()))).build());
        servedMs.add((System.nanoTime() - sent) / 1e6);
        backoff = FIRST_BACKOFF;
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.UNAVAILABLE) {
          refusedMs.add((System.nanoTime() - sent) / 1e6);
          sleep(backoff.dividedBy(2).plusMillis(jitter.nextLong(backoff.toMillis() / 2 + 1)));
          backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        } else {
          errors.merge("Identify " + code, 1L, Long::sum);
        }
      }
    }
  }

  /** One camera-like stream: each frame is sent when the previous one's result is back. */
  private void stream(long end, AtomicLong frameCount, AtomicLong refused, Map<String, Long> errors) {
    LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    StreamObserver<RecognizeRequest> requests = RecognitionServiceGrpc.newStub(channel).recognize(new StreamObserver<>() {
      @Override
      public void onNext(RecognizeResponse response) {
        if (response.hasResult()) {
          inbox.add(response);
        }
      }

      @Override
      public void onError(Throwable t) {
        inbox.add(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        inbox.add(Status.OK);
      }
    });
    requests.onNext(RecognizeRequest.newBuilder().setConfig(StreamConfig.newBuilder().setName("load")).build());
    try {
      for (long n = 0; System.nanoTime() < end; n++) {
        requests.onNext(RecognizeRequest.newBuilder().setFrame(Frame.newBuilder().setSequence(n)
            .setImage(Image.newBuilder().setEncoded(frames.get((int) (n % frames.size()))))).build());
        Object answer = inbox.poll(30, TimeUnit.SECONDS);
        if (answer instanceof Status status) {
          if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
            refused.incrementAndGet();
          } else {
            errors.merge("Recognize " + status.getCode(), 1L, Long::sum);
          }
          return;
        }
        if (answer == null) {
          errors.merge("Recognize: no result within 30 s", 1L, Long::sum);
          requests.onError(Status.CANCELLED.asRuntimeException());
          return;
        }
        frameCount.incrementAndGet();
      }
      requests.onCompleted();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // The stream already ended (the answer is in the inbox); nothing more to send.
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The heap in use and the process's resident memory, at their highest. */
  private static final class MemorySampler {
    volatile double peakHeapMiB;
    volatile double peakRssMiB;

    void sampleUntil(long end) {
      while (System.nanoTime() < end) {
        peakHeapMiB = Math.max(peakHeapMiB, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0);
        peakRssMiB = Math.max(peakRssMiB, residentMiB());
        sleep(Duration.ofMillis(100));
      }
    }

    /** VmRSS from /proc (Linux); 0 elsewhere. */
    private static double residentMiB() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmRSS:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
          }
        }
      } catch (IOException | NumberFormatException e) {
        // not Linux
      }
      return 0;
    }
  }

  public static Table table(List<Result> results) {
    Table table = new Table("unary clients", "streams", "s", "served/s", "served p50 ms", "served p99 ms",
        "refused/s", "refused p50 ms", "refused p99 ms", "other errors", "frames/s", "streams refused",
        "peak heap MiB", "peak RSS MiB");
    for (Result r : results) {
      table.add(r.unaryClients(), r.streams(), f1(r.seconds()), f1(r.servedPerSecond()),
          f1(Stats.median(r.servedMs())), f1(Stats.percentile(r.servedMs(), 99)), f1(r.refusedPerSecond()),
          r.refusedMs().isEmpty() ? "-" : f1(Stats.median(r.refusedMs())),
          r.refusedMs().isEmpty() ? "-" : f1(Stats.percentile(r.refusedMs(), 99)),
          r.otherErrors().isEmpty() ? "none" : r.otherErrors().toString(), f1(r.framesPerSecond()),
          r.streamsRefused(), String.format(Locale.ROOT, "%.0f", r.peakHeapMiB()),
          String.format(Locale.ROOT, "%.0f", r.peakRssMiB()));
    }
    return table;
  }

  private static String f1(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
  }
}
