package dev.visage.server.cli;

import dev.visage.server.VisageServer;
import dev.visage.server.bench.MachineInfo;
import dev.visage.server.bench.Photos;
import dev.visage.server.bench.ScratchServer;
import dev.visage.server.bench.ServerEnrollmentBenchmark;
import dev.visage.server.bench.SolrCloudBenchmark;
import dev.visage.server.bench.SyntheticFaces;
import dev.visage.server.bench.Table;
import dev.visage.server.config.ServerOptions;
import dev.visage.server.config.ServerSettings;
import dev.visage.server.gallery.LuceneGallery;
import dev.visage.server.gallery.solr.SolrGallery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code visage bench solrcloud}: the SolrCloud gallery against the embedded one on the same faces. */
@Command(
    name = "solrcloud",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = {"Load the same synthetic faces into an embedded gallery and into a SolrCloud collection (named by "
        + "--gallery SOLRCLOUD and --solr-zk-hosts or --solr-urls; it must be new or empty), search both with the same "
        + "probes, alternating, against exact search (recall@1, recall@10, p50, p99), then measure enrollment "
        + "throughput through one and through two independent gallery clients, as two servers would enroll."})
final class SolrCloudBenchCommand implements Callable<Integer> {

  @Option(names = "--photos", required = true, description = "Photos whose face embeddings shape the synthetic ones.")
  Path photos;

  @Option(names = "--size", defaultValue = "100000", description = "Faces loaded. Default: ${DEFAULT-VALUE}.")
  int size;

  @Option(names = "--queries", defaultValue = "500", description = "Search probes. Default: ${DEFAULT-VALUE}.")
  int queries;

  @Option(names = "--candidates", defaultValue = "100",
      description = "Candidates explored per search (--search-k). Default: ${DEFAULT-VALUE}.")
  int candidates;

  @Option(names = "--enrollments", defaultValue = "400", description = "Enrollments per throughput run. Default: ${DEFAULT-VALUE}.")
  int enrollments;

  @Option(names = "--threads", defaultValue = "4", description = "Enrolling threads per client. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--server-enrollments", defaultValue = "200",
      description = "Photos enrolled per run through real recognition servers (0 skips those runs). Default: ${DEFAULT-VALUE}.")
  int serverEnrollments;

  @Option(names = "--clients", defaultValue = "8",
      description = "gRPC clients enrolling at once, spread over the servers. Default: ${DEFAULT-VALUE}.")
  int clients;

  @Option(names = "--markdown", description = "Also write the tables, with the machine's description, to this file.")
  Path markdown;

  @Mixin
  ServerOptions server;

  @Override
  public Integer call() throws Exception {
    ServerSettings settings = server.toSettings();
    if (settings.storage().solr() == null) {
      System.err.println("Name the SolrCloud collection: --gallery SOLRCLOUD with --solr-zk-hosts or --solr-urls.");
      return 2;
    }
    SyntheticFaces synthetic = new SyntheticFaces(GalleryBenchCommand.realEmbeddings(settings, photos), 7, 0.64);
    SolrCloudBenchmark benchmark = new SolrCloudBenchmark(synthetic);
    String machine = MachineInfo.current().describe("CPU");
    System.out.println(machine);
    Path scratch = Files.createTempDirectory("visage-solr-bench");
    String model = "benchmark@00000000";
    try (LuceneGallery embedded = LuceneGallery.open(scratch.resolve("embedded"), model, 128, settings.storage().vectors());
         SolrGallery solr = SolrGallery.connect(settings.storage().solr(), model, 128, settings.storage().vectors());
         SolrGallery second = SolrGallery.connect(settings.storage().solr(), model, 128, settings.storage().vectors())) {
      if (solr.stats().faces() > 0) {
        System.err.println("The collection already holds faces: name a new one with --solr-collection.");
        return 2;
      }
      long loadStart = System.nanoTime();
      float[] all = benchmark.load(size, embedded, solr);
      System.out.printf("Loaded %d faces into both in %.0f s%n", size, (System.nanoTime() - loadStart) / 1e9);
      embedded.optimize();
      Table search = SolrCloudBenchmark.searchTable(size, candidates,
          benchmark.search(all, queries, candidates, embedded, solr));
      System.out.println(search.text());

      List<SolrCloudBenchmark.Enrollment> runs = new ArrayList<>();
      benchmark.enroll("warm-up", List.of(solr), threads, Math.min(100, enrollments));
      runs.add(benchmark.enroll("embedded", List.of(embedded), threads, enrollments));
      for (int round = 1; round <= 2; round++) { // the second round shows the cost of the segments the first left
        runs.add(benchmark.enroll("SolrCloud, round " + round, List.of(solr), threads, enrollments));
        runs.add(benchmark.enroll("SolrCloud, round " + round, List.of(solr, second), threads, enrollments));
      }
      Table enroll = SolrCloudBenchmark.enrollmentTable(runs);
      System.out.println(enroll.text());
      String servers = serverEnrollments > 0 ? throughServers(settings, scratch).markdown() : "";
      if (markdown != null) {
        Files.writeString(markdown, "Machine: " + machine + "\n\n" + search.markdown() + "\n" + enroll.markdown()
            + "\n" + servers);
        System.out.println("Written to " + markdown);
      }
    } finally {
      try (var files = Files.walk(scratch)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return 0;
  }

  /**
   * Enrollment of real photos through real recognition servers over gRPC: one server on an
   * embedded gallery, then one and two servers sharing a SolrCloud collection (stamped with the
   * real model, so a collection of its own), alternating.
   */
  private Table throughServers(ServerSettings settings, Path scratch) throws Exception {
    List<byte[]> firstPhotos = new ArrayList<>();
    for (List<Path> own : Photos.byPerson(photos).values()) {
      firstPhotos.addAll(Photos.read(List.of(own.get(0))));
    }
    ServerEnrollmentBenchmark benchmark = new ServerEnrollmentBenchmark(firstPhotos);
    List<ServerEnrollmentBenchmark.Result> embeddedRuns = new ArrayList<>();
    try (VisageServer alone = VisageServer.start(ScratchServer.settings(settings, scratch.resolve("embedded-server")))) {
      benchmark.run("embedded", List.of(alone.port()), clients, Math.min(50, serverEnrollments)); // warm-up
      embeddedRuns.add(benchmark.run("embedded", List.of(alone.port()), clients, serverEnrollments));
    }
    ServerSettings.Storage shared = new ServerSettings.Storage(scratch.resolve("unused"), settings.storage().vectors(),
        scratch.resolve("cameras.json"), settings.storage().solr().withCollection(settings.storage().solr().collection()
        + "-servers"));
    List<ServerEnrollmentBenchmark.Result> solrRuns = new ArrayList<>();
    try (VisageServer first = VisageServer.start(ScratchServer.settings(settings, scratch.resolve("server-1")).withStorage(shared));
         VisageServer second = VisageServer.start(ScratchServer.settings(settings, scratch.resolve("server-2")).withStorage(shared))) {
      benchmark.run("SolrCloud", List.of(first.port(), second.port()), clients, Math.min(50, serverEnrollments)); // warm-up
      for (int round = 1; round <= 2; round++) {
        solrRuns.add(benchmark.run("SolrCloud, round " + round, List.of(first.port()), clients, serverEnrollments));
        solrRuns.add(benchmark.run("SolrCloud, round " + round, List.of(first.port(), second.port()), clients,
            serverEnrollments));
      }
    }
    List<ServerEnrollmentBenchmark.Result> all = new ArrayList<>(embeddedRuns);
    all.addAll(solrRuns);
    Table table = ServerEnrollmentBenchmark.table(all);
    System.out.println(table.text());
    return table;
  }
}
