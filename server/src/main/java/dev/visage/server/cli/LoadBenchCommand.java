package dev.visage.server.cli;

import dev.visage.server.VisageServer;
import dev.visage.server.bench.LoadBenchmark;
import dev.visage.server.bench.MachineInfo;
import dev.visage.server.bench.Photos;
import dev.visage.server.bench.ScratchServer;
import dev.visage.server.bench.Table;
import dev.visage.server.bench.VideoFrames;
import dev.visage.server.config.ServerOptions;
import dev.visage.server.config.ServerSettings;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code visage bench load}: more load than the server can take, and how it copes. */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = {"Start a server in this process on a loopback port and overload it for a fixed time: unary "
        + "Identify clients sending without pause (after a refusal backing off from 50 ms, doubling up to 1.6 s, "
        + "with jitter) plus Recognize streams "
        + "sending video frames. Prints what was served and its latency, how many calls were refused and how "
        + "fast, any other errors, frames per second, and the peak heap and resident memory.",
        "The server options below apply to the embedded server: --max-concurrent-requests and --max-streams "
            + "set where refusals begin."})
final class LoadBenchCommand implements Callable<Integer> {

  @Option(names = "--photos", required = true, description = "A folder of photos to identify (searched recursively).")
  Path photos;

  @Option(names = "--video", required = true, description = "A video whose frames the streams send.")
  Path video;

  @Option(names = "--clients", split = ",", defaultValue = "8,64", description = "Unary clients; one run per value. Default: ${DEFAULT-VALUE}.")
  int[] clients;

  @Option(names = "--streams", defaultValue = "4", description = "Recognize streams in every run. Default: ${DEFAULT-VALUE}.")
  int streams;

  @Option(names = "--seconds", defaultValue = "20", description = "Length of each run. Default: ${DEFAULT-VALUE}.")
  double seconds;

  @Option(names = "--markdown", description = "Also write the table, with the machine's description, to this file.")
  Path markdown;

  @Mixin
  ServerOptions server;

  @Override
  public Integer call() throws Exception {
    List<byte[]> photoBytes = Photos.read(Photos.under(photos));
    List<byte[]> frames = VideoFrames.jpegs(video);
    Path scratch = Files.createTempDirectory("visage-bench");
    ServerSettings settings = ScratchServer.settings(server.toSettings(), scratch);
    try (VisageServer embedded = VisageServer.start(settings)) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", embedded.port()).usePlaintext()
          .maxInboundMessageSize(64 << 20).build();
      try {
        String machine = MachineInfo.current().describe(embedded.engine().device().name());
        String setup = String.format(Locale.ROOT, "%d photos, %d video frames; the server admits %d unary calls and "
                + "%d streams at once; %.0f s per run; JVM heap limit %d MiB.", photoBytes.size(), frames.size(),
            settings.network().maxConcurrentRequests(), settings.live().maxStreams(), seconds,
            Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("%s%n%s%n%n", machine, setup);
        LoadBenchmark benchmark = new LoadBenchmark(channel, photoBytes, frames);
        benchmark.run(Math.min(2, clients[0]), 0, Duration.ofSeconds(3)); // warm-up
        List<LoadBenchmark.Result> results = new ArrayList<>();
        for (int count : clients) {
          results.add(benchmark.run(count, streams, Duration.ofMillis(Math.round(seconds * 1000))));
          System.out.println(LoadBenchmark.table(results.subList(results.size() - 1, results.size())).text());
        }
        Table table = LoadBenchmark.table(results);
        if (markdown != null) {
          Files.writeString(markdown, "Machine: " + machine + "\n\n" + setup + "\n\n" + table.markdown());
          System.out.println("Written to " + markdown);
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      try (var files = Files.walk(scratch)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
    return 0;
  }
}
