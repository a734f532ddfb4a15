package dev.visage.server.cli;

import com.google.protobuf.ByteString;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.Image;
import dev.visage.server.VisageServer;
import dev.visage.server.bench.MachineInfo;
import dev.visage.server.bench.Photos;
import dev.visage.server.bench.ScratchServer;
import dev.visage.server.bench.Table;
import dev.visage.server.bench.WireBenchmark;
import dev.visage.server.config.ServerOptions;
import dev.visage.server.config.ServerSettings;
import dev.visage.server.recognition.MatchPolicy;
import dev.visage.server.recognition.Recognizer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code visage bench wire}: unary Identify over loopback gRPC against the same call in-process. */
@Command(
    name = "wire",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = {"Start a server in this process on a loopback port, enroll the first photo of every person folder "
        + "under --photos, then send Identify for every photo from 1 to N concurrent gRPC clients, against the "
        + "same recognizer called in-process by as many threads, in interleaved rounds: requests per second, "
        + "latency (p50, p99), their ratio and any errors.",
        "The server options below apply to the embedded server (its gallery is a scratch one)."})
final class WireBenchCommand implements Callable<Integer> {

  @Option(names = "--photos", required = true, description = "A folder of photos; its person sub-folders are enrolled.")
  Path photos;

  @Option(names = "--clients", split = ",", defaultValue = "1,4,16", description = "Concurrent clients. Default: ${DEFAULT-VALUE}.")
  int[] clients;

  @Option(names = "--rounds", defaultValue = "3", description = "Rounds per side and client count. Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(names = "--seconds", defaultValue = "10", description = "Length of a round. Default: ${DEFAULT-VALUE}.")
  double seconds;

  @Option(names = "--markdown", description = "Also write the table, with the machine's description, to this file.")
  Path markdown;

  @Mixin
  ServerOptions server;

  @Override
  public Integer call() throws Exception {
    List<byte[]> bytes = Photos.read(Photos.under(photos));
    Path scratch = Files.createTempDirectory("visage-bench");
    ServerSettings settings = ScratchServer.settings(server.toSettings(), scratch);
    try (VisageServer embedded = VisageServer.start(settings)) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", embedded.port()).usePlaintext()
          .maxInboundMessageSize(64 << 20).build();
      try {
        int enrolled = enrollFirstPhotos(channel);
        float threshold = settings.recognition().threshold() != null
            ? settings.recognition().threshold() : embedded.engine().embedderSpec().threshold();
        Recognizer direct = new Recognizer(embedded.engine().pipeline(), embedded.gallery(), new MatchPolicy(threshold),
            settings.recognition().maxFacesPerImage());
        String machine = MachineInfo.current().describe(embedded.engine().device().name());
        String setup = String.format(Locale.ROOT, "%d photos from %s (%.1f MiB), %d persons enrolled; %d round(s) of %.0f s "
                + "per side and client count, interleaved.", bytes.size(), photos.getFileName(),
            bytes.stream().mapToLong(b -> b.length).sum() / (1024.0 * 1024.0), enrolled, rounds, seconds);
        System.out.printf("%s%n%s%n%n", machine, setup);
        Table table = WireBenchmark.table(new WireBenchmark(channel, direct, bytes).run(clients, rounds, seconds));
        System.out.println(table.text());
        if (markdown != null) {
          Files.writeString(markdown, "Machine: " + machine + "\n\n" + setup + "\n\n" + table.markdown());
          System.out.println("Written to " + markdown);
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    return 0;
  }

  private int enrollFirstPhotos(ManagedChannel channel) throws Exception {
    GalleryServiceGrpc.GalleryServiceBlockingStub gallery = GalleryServiceGrpc.newBlockingStub(channel);
    int enrolled = 0;
    for (Map.Entry<String, List<Path>> person : Photos.byPerson(photos).entrySet()) {
      var response = gallery.enroll(EnrollRequest.newBuilder().setDisplayName(person.getKey())
          .addImages(Image.newBuilder().setEncoded(ByteString.copyFrom(Files.readAllBytes(person.getValue().get(0))))).build());
      enrolled += response.getEnrolledCount() > 0 ? 1 : 0;
    }
    return enrolled;
  }

}
