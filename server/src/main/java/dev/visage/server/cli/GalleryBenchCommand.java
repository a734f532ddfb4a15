package dev.visage.server.cli;

import dev.visage.server.Engine;
import dev.visage.server.bench.GalleryBenchmark;
import dev.visage.server.bench.MachineInfo;
import dev.visage.server.bench.Photos;
import dev.visage.server.bench.SyntheticFaces;
import dev.visage.server.bench.Table;
import dev.visage.server.config.ServerOptions;
import dev.visage.server.gallery.VectorIndexSettings;
import dev.visage.server.gallery.VectorIndexSettings.VectorEncoding;
import dev.visage.server.inference.FaceDetection;
import dev.visage.server.recognition.FacePipeline;
import dev.visage.server.vision.ImageInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code visage bench gallery}: HNSW against exact search at up to millions of faces. */
@Command(
    name = "gallery",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = {"Build galleries of synthetic faces shaped like the real embeddings of --photos, search them with "
        + "HNSW and with exact brute force, and print recall@1, recall@10, query latency (p50, p99), build and merge "
        + "time, size on disk and heap.",
        "Every list option sweeps: each combination of size, encoding, M and beam width is one index; each number of "
        + "candidates is one search setting on it."})
final class GalleryBenchCommand implements Callable<Integer> {

  @Option(names = "--photos", required = true, description = "Photos whose face embeddings shape the synthetic ones.")
  Path photos;

  @Option(names = "--sizes", split = ",", defaultValue = "10000,100000", description = "Faces per gallery. Default: ${DEFAULT-VALUE}.")
  int[] sizes;

  @Option(names = "--encodings", split = ",", defaultValue = "FLOAT32,INT8", description = "Vector encodings. Default: ${DEFAULT-VALUE}.")
  VectorEncoding[] encodings;

  @Option(names = "--m", split = ",", defaultValue = "64", description = "HNSW max connections. Default: ${DEFAULT-VALUE}.")
  int[] maxConnections;

  @Option(names = "--beam", split = ",", defaultValue = "100", description = "HNSW beam width. Default: ${DEFAULT-VALUE}.")
  int[] beamWidths;

  @Option(names = "--candidates", split = ",", defaultValue = "50,100,200,400",
      description = "Candidates explored per search (Visage's --search-k). Default: ${DEFAULT-VALUE}.")
  int[] candidates;

  @Option(names = "--queries", defaultValue = "1000", description = "Queries per setting. Default: ${DEFAULT-VALUE}.")
  int queries;

  @Option(names = "--index-dir", description = "Build the indexes here and keep them; an index already there with the "
      + "same size and settings is reused (its build figures are not measured again). Default: a temporary folder, deleted.")
  Path indexDir;

  @Option(names = "--markdown", description = "Also write the table, with the machine's description, to this file.")
  Path markdown;

  @Mixin
  ServerOptions server;

  @Override
  public Integer call() throws Exception {
    List<float[]> real = realEmbeddings(server.toSettings(), photos);
    SyntheticFaces synthetic = new SyntheticFaces(real, 7, 0.64);
    SyntheticFaces.Similarities shape = synthetic.describe(2000);
    String machine = MachineInfo.current().describe("CPU");
    String data = String.format(Locale.ROOT, "Synthetic faces from %d real embeddings: mean cosine %.3f between two "
            + "faces of one identity and %.3f between different identities (the real photos: 0.710 and 0.038).",
        real.size(), shape.genuine(), shape.impostor());
    System.out.printf("%s%n%s%n%n", machine, data);

    Path scratch = indexDir != null ? Files.createDirectories(indexDir) : Files.createTempDirectory("visage-gallery-bench");
    GalleryBenchmark benchmark = new GalleryBenchmark(synthetic, scratch, indexDir != null);
    List<GalleryBenchmark.Result> results = new ArrayList<>();
    for (int size : sizes) {
      for (VectorEncoding encoding : encodings) {
        for (int m : maxConnections) {
          for (int beam : beamWidths) {
            int maxCandidates = java.util.Arrays.stream(candidates).max().orElse(50);
            GalleryBenchmark.Result result = benchmark.run(size, new VectorIndexSettings(m, beam, encoding, maxCandidates),
                candidates, queries);
            results.add(result);
            System.out.println(GalleryBenchmark.table(List.of(result)).text());
          }
        }
      }
    }
    if (indexDir == null) {
      Files.deleteIfExists(scratch); // each index was deleted after its measurement
    }
    Table table = GalleryBenchmark.table(results);
    if (markdown != null) {
      Files.writeString(markdown, "Machine: " + machine + "\n\n" + data + "\n\n" + table.markdown());
      System.out.println("Written to " + markdown);
    }
    return 0;
  }

  /** The largest face of every photo, embedded. */
  static List<float[]> realEmbeddings(dev.visage.server.config.ServerSettings settings, Path photos) throws Exception {
    List<float[]> vectors = new ArrayList<>();
    try (Engine engine = Engine.load(settings)) {
      for (byte[] photo : Photos.read(Photos.under(photos))) {
        try (FacePipeline.Image image = engine.pipeline().open(ImageInput.Encoded.of(photo))) {
          List<FaceDetection> faces = image.detect(engine.pipeline().defaultMinDetectionScore());
          if (!faces.isEmpty()) {
            vectors.add(image.embed(List.of(faces.get(0))).get(0));
          }
        }
      }
    }
    return vectors;
  }
}
