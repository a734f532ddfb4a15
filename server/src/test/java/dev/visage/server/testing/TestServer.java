package dev.visage.server.testing;

import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.server.VisageServer;
import dev.visage.server.config.ServerOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Visage server on a free loopback port, with the real models (from the shared mirror,
 * offline) and a real Lucene gallery in the given directory, plus a real gRPC channel to it.
 */
public final class TestServer implements AutoCloseable {

  private final VisageServer server;
  private final ManagedChannel channel;

  private TestServer(VisageServer server) {
    this.server = server;
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
        .usePlaintext()
        .maxInboundMessageSize(64 << 20)
        .build();
  }

  /** Starts a server whose data (gallery) lives in {@code dataDir}; extra flags are appended. */
  public static TestServer start(Path dataDir, String... flags) throws Exception {
    List<String> args = new ArrayList<>(List.of(
        "--port=0", "--metrics-port=0", "--data-dir=" + dataDir, "--model-mirror=" + SharedData.models(), "--offline"));
    args.addAll(List.of(flags));
    return new TestServer(VisageServer.start(ServerOptions.parse(args.toArray(String[]::new))));
  }

  public VisageServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  public ManagedChannel channel() {
    return channel;
  }

  public GalleryServiceGrpc.GalleryServiceBlockingStub gallery() {
    return GalleryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  public RecognitionServiceGrpc.RecognitionServiceBlockingStub recognition() {
    return RecognitionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }
}
