package dev.visage.server.cli;

import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.GetServerInfoRequest;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.server.VisageServer;
import dev.visage.server.bench.MachineInfo;
import dev.visage.server.bench.ScratchServer;
import dev.visage.server.bench.StreamBenchmark;
import dev.visage.server.bench.Table;
import dev.visage.server.bench.VideoFrames;
import dev.visage.server.config.ServerOptions;
import dev.visage.server.config.ServerSettings;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code visage bench stream}: live recognition throughput and latency on a video. */
@Command(
    name = "stream",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = {"Stream a video through Recognize with 1 to N concurrent streams, tracking on and off, and print "
        + "frames per second, per-frame latency and embedding counts.",
        "Without --target it starts a server in this process (the server options below apply) with a scratch gallery."})
final class StreamBenchCommand implements Callable<Integer> {

  @Option(names = "--video", required = true, description = "The video to stream (any format FFmpeg reads).")
  Path video;

  @Option(names = "--streams", split = ",", defaultValue = "1,2,4,8", description = "Concurrent stream counts. Default: ${DEFAULT-VALUE}.")
  int[] streams;

  @Option(names = "--enroll", description = "A photo to enroll before streaming, so that recognition has someone to find.")
  Path enroll;

  @Option(names = "--target", description = "host:port of a running server to measure instead of an embedded one.")
  String target;

  @Option(names = "--markdown", description = "Also write the table, with the machine's description, to this Markdown file.")
  Path markdown;

  @Mixin
  ServerOptions server;

  @Override
  public Integer call() throws Exception {
    List<byte[]> frames = VideoFrames.jpegs(video);
    Path scratch = null;
    VisageServer embedded = null;
    String address = target;
    if (address == null) {
      scratch = Files.createTempDirectory("visage-bench");
      embedded = VisageServer.start(ScratchServer.settings(server.toSettings(), scratch));
      address = "127.0.0.1:" + embedded.port();
    }
    ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext().maxInboundMessageSize(64 << 20).build();
    try {
      if (enroll != null) {
        GalleryServiceGrpc.newBlockingStub(channel).enroll(EnrollRequest.newBuilder().setDisplayName("benchmark person")
            .addImages(Image.newBuilder().setEncoded(com.google.protobuf.ByteString.copyFrom(Files.readAllBytes(enroll)))).build());
      }
      String provider = RecognitionServiceGrpc.newBlockingStub(channel)
          .getServerInfo(GetServerInfoRequest.getDefaultInstance()).getExecutionProvider();
      String machine = MachineInfo.current().describe(provider);
      System.out.printf("Streaming %s (%d frames) on %s%n%n", video.getFileName(), frames.size(), machine);
      Table table = StreamBenchmark.table(new StreamBenchmark(channel, frames).run(streams));
      System.out.println(table.text());
      if (markdown != null) {
        Files.writeString(markdown, "Machine: " + machine + "\n\nVideo: " + video.getFileName() + ", " + frames.size()
            + " frames, each stream sending its next frame when the previous result is back.\n\n" + table.markdown());
        System.out.println("Written to " + markdown);
      }
      return 0;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
