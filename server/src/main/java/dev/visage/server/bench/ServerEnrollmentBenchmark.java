package dev.visage.server.bench;

import com.google.protobuf.ByteString;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.Image;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Enrollment throughput through real recognition servers over gRPC: each enrollment decodes a
 * photo, detects, aligns and embeds its face, and stores it in the servers' shared gallery.
 * Clients are spread evenly over the servers.
 */
public final class ServerEnrollmentBenchmark {

  /** One run's figures. */
  public record Result(String gallery, int servers, int clients, int enrollments, int failed, double perSecond, double p50Ms, double p99Ms) {}

  private final List<byte[]> photos;

  public ServerEnrollmentBenchmark(List<byte[]> photos) {
    this.photos = photos;
  }

  /** Enrolls {@code count} photos (each as a new person) through the servers on these ports ({@code gallery} names them). */
  public Result run(String gallery, List<Integer> ports, int clients, int count) throws Exception {
    List<ManagedChannel> channels = new ArrayList<>();
    for (int port : ports) {
      channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().maxInboundMessageSize(64 << 20).build());
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    try {
      long start = System.nanoTime();
      List<Future<?>> callers = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        GalleryServiceGrpc.GalleryServiceBlockingStub stub = GalleryServiceGrpc.newBlockingStub(channels.get(c % channels.size()));
        callers.add(pool.submit(() -> {
          for (int i; (i = next.getAndIncrement()) < count; ) {
            byte[] photo = photos.get(i % photos.size());
            long began = System.nanoTime();
            try {
              stub.withDeadlineAfter(60, TimeUnit.SECONDS).enroll(EnrollRequest.newBuilder()
                  .setDisplayName("bench " + i)
                  .addImages(Image.newBuilder().setEncoded(ByteString.copyFrom(photo)))
                  .build());
              latencies.add((System.nanoTime() - began) / 1e6);
            } catch (RuntimeException e) {
              failed.incrementAndGet(); // a photo the enrollment policy refuses counts here, not as throughput
            }
          }
          return null;
        }));
      }
      for (Future<?> caller : callers) {
        caller.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Result(gallery, ports.size(), clients, latencies.size(), failed.get(), latencies.size() / seconds,
          Stats.median(latencies), Stats.percentile(latencies, 99));
    } finally {
      pool.shutdown();
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
      }
    }
  }

  public static Table table(List<Result> results) {
    Table table = new Table("gallery", "servers", "clients", "enrolled", "refused", "per second", "p50 ms", "p99 ms");
    for (Result r : results) {
      table.add(r.gallery(), r.servers(), r.clients(), r.enrollments(), r.failed(),
          String.format(java.util.Locale.ROOT, "%.1f", r.perSecond()),
          String.format(java.util.Locale.ROOT, "%.0f", r.p50Ms()), String.format(java.util.Locale.ROOT, "%.0f", r.p99Ms()));
    }
    return table;
  }
}
