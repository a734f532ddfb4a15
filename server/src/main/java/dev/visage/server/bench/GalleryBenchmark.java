package dev.visage.server.bench;

import dev.visage.server.gallery.FaceHit;
import dev.visage.server.gallery.FaceOrigin;
import dev.visage.server.gallery.ImportedPerson;
import dev.visage.server.gallery.LuceneGallery;
import dev.visage.server.gallery.VectorIndexSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.lucene.util.VectorUtil;

/**
 * The gallery at scale: a Lucene index of synthetic faces shaped like real embeddings
 * ({@link SyntheticFaces}), searched with HNSW and compared with exact brute-force search over the
 * same vectors: recall, query latency, build time, size on disk and heap.
 */
public final class GalleryBenchmark {

  private static final int DIMENSION = 128;
  private static final int IMPORT_BATCH = 10_000;
  private static final FaceOrigin ORIGIN = new FaceOrigin(0, 0, 100, 100, new float[10], 0.95f);

  private final SyntheticFaces faces;
  private final Path indexes;
  private final boolean keep;

  /**
   * @param indexes where the indexes are built
   * @param keep keep them there, and reuse one already there with the same size and settings (the
   *     faces are the same for the same seed): search settings can then be tried without
   *     rebuilding a large index
   */
  public GalleryBenchmark(SyntheticFaces faces, Path indexes, boolean keep) {
    this.faces = faces;
    this.indexes = indexes;
    this.keep = keep;
  }

  /** One search setting's figures. */
  public record Search(int candidates, double recallAt1, double recallAt10, double p50Ms, double p99Ms) {}

  /** One index's figures. */
  public record Result(int size, VectorIndexSettings settings, double buildSeconds, double mergeSeconds, long indexBytes,
      long vectorBytes, long heapBytes, List<Search> searches) {}

  /**
   * Builds an index of {@code size} faces (identities of 1 to 4 faces), merges it into one
   * segment, and measures searches exploring each number of candidates.
   */
  public Result run(int size, VectorIndexSettings settings, int[] candidates, int queries) throws IOException {
    Path directory = indexes.resolve(size + "-" + settings.encoding() + "-m" + settings.maxConnections() + "-b" + settings.beamWidth());
    float[] all = new float[size * DIMENSION];
    long buildStart = System.nanoTime();
    double buildSeconds = Double.NaN;
    double mergeSeconds = Double.NaN;
    try (LuceneGallery gallery = LuceneGallery.open(directory, "benchmark@00000000", DIMENSION, settings)) {
      boolean reuse = keep && gallery.stats().faces() == size;
      if (!reuse && gallery.stats().faces() > 0) {
        throw new IllegalStateException(directory + " holds an index of another size; remove it");
      }
      int face = 0;
      List<ImportedPerson> batch = new ArrayList<>();
      for (int identity = 0; face < size; identity++) {
        float[] centre = faces.centre(identity);
        List<ImportedPerson.ImportedFace> own = new ArrayList<>();
        for (int n = 0; n < 1 + identity % 4 && face < size; n++, face++) {
          float[] vector = faces.face(centre, identity, n);
          System.arraycopy(vector, 0, all, face * DIMENSION, DIMENSION);
          own.add(new ImportedPerson.ImportedFace(new UUID(0, face).toString(), vector, ORIGIN, Instant.EPOCH));
        }
        batch.add(new ImportedPerson(new UUID(1, identity).toString(), "identity " + identity, Instant.EPOCH, own));
        if (batch.size() == IMPORT_BATCH) {
          if (!reuse) {
            gallery.importPersons(batch);
          }
          batch.clear();
        }
      }
      if (!reuse) {
        gallery.importPersons(batch);
        buildSeconds = (System.nanoTime() - buildStart) / 1e9;
        long mergeStart = System.nanoTime();
        gallery.optimize();
        mergeSeconds = (System.nanoTime() - mergeStart) / 1e9;
      }

      List<float[]> probes = probes(queries, size);
      int[][] exact = exactTop(all, probes, 10);
      List<Search> searches = new ArrayList<>();
      for (int explored : candidates) {
        searches.add(search(gallery, probes, exact, explored));
      }
      long heap = usedHeap() - (long) all.length * Float.BYTES; // all but the copy kept for brute force
      return new Result(size, settings, buildSeconds, mergeSeconds, bytes(directory, null), bytes(directory, "ve"),
          Math.max(0, heap), searches);
    } finally {
      if (!keep) {
        delete(directory);
      }
    }
  }

  /** New photos of enrolled identities (never themselves enrolled): what a camera would see. */
  private List<float[]> probes(int count, int size) {
    Random random = new Random(42);
    int identities = size * 2 / 5; // 2.5 faces per identity on average
    List<float[]> probes = new ArrayList<>(count);
    for (int q = 0; q < count; q++) {
      int identity = random.nextInt(identities);
      probes.add(faces.face(faces.centre(identity), identity, 1000 + q));
    }
    return probes;
  }

  /** The true nearest faces, by brute force over every vector. */
  private static int[][] exactTop(float[] all, List<float[]> probes, int k) {
    return probes.parallelStream().map(probe -> exactTop(all, probe, k)).toArray(int[][]::new);
  }

  /** The indexes of the {@code k} vectors in {@code all} (packed, 128 values each) nearest to the probe. */
  static int[] exactTop(float[] all, float[] probe, int k) {
    int count = all.length / DIMENSION;
    int[] best = new int[k];
    float[] scores = new float[k];
    Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    float[] candidate = new float[DIMENSION];
    for (int i = 0; i < count; i++) {
      System.arraycopy(all, i * DIMENSION, candidate, 0, DIMENSION);
      float score = VectorUtil.dotProduct(probe, candidate);
      if (score > scores[k - 1]) {
        int at = k - 1;
        while (at > 0 && scores[at - 1] < score) {
          scores[at] = scores[at - 1];
          best[at] = best[at - 1];
          at--;
        }
        scores[at] = score;
        best[at] = i;
      }
    }
    return best;
  }

  private static Search search(LuceneGallery gallery, List<float[]> probes, int[][] exact, int candidates) {
    for (int i = 0; i < probes.size(); i++) {
      gallery.nearestFaces(probes.get(i), 10, candidates); // warm-up
    }
    List<Double> latencies = new ArrayList<>(probes.size());
    int top1 = 0;
    int found = 0;
    for (int q = 0; q < probes.size(); q++) {
      long start = System.nanoTime();
      List<FaceHit> hits = gallery.nearestFaces(probes.get(q), 10, candidates);
      latencies.add((System.nanoTime() - start) / 1e6);
      int[] truth = exact[q];
      if (!hits.isEmpty() && index(hits.get(0)) == truth[0]) {
        top1++;
      }
      for (FaceHit hit : hits) {
        int index = index(hit);
        if (IntStream.of(truth).anyMatch(t -> t == index)) {
          found++;
        }
      }
    }
    return new Search(candidates, (double) top1 / probes.size(), (double) found / (10.0 * probes.size()),
        Stats.median(latencies), Stats.percentile(latencies, 99));
  }

  private static int index(FaceHit hit) {
    return (int) UUID.fromString(hit.faceId()).getLeastSignificantBits();
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  /** Bytes of the files in a directory (those whose extension starts with {@code prefix}, if given). */
  private static long bytes(Path directory, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(file -> {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return prefix == null || dot > 0 && name.substring(dot + 1).startsWith(prefix);
      }).mapToLong(file -> file.toFile().length()).sum();
    }
  }

  private static void delete(Path directory) throws IOException {
    if (Files.exists(directory)) {
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  public static Table table(List<Result> results) {
    Table table = new Table("faces", "encoding", "M", "beam", "candidates", "recall@1", "recall@10", "p50 ms", "p99 ms",
        "build s", "merge s", "index MiB", "vectors+graph MiB", "JVM heap MiB");
    for (Result result : results) {
      for (Search search : result.searches()) {
        table.add(result.size(), result.settings().encoding(), result.settings().maxConnections(),
            result.settings().beamWidth(), search.candidates(),
            String.format(Locale.ROOT, "%.4f", search.recallAt1()), String.format(Locale.ROOT, "%.4f", search.recallAt10()),
            String.format(Locale.ROOT, "%.2f", search.p50Ms()), String.format(Locale.ROOT, "%.2f", search.p99Ms()),
            seconds(result.buildSeconds()), seconds(result.mergeSeconds()),
            mib(result.indexBytes()),
            result.vectorBytes() > 0 ? mib(result.vectorBytes()) : "in a compound file", mib(result.heapBytes()));
      }
    }
    return table;
  }

  private static String seconds(double value) {
    return Double.isNaN(value) ? "(reused)" : String.format(Locale.ROOT, "%.1f", value);
  }

  private static String mib(long bytes) {
    double mib = bytes / (1024.0 * 1024.0);
    return String.format(Locale.ROOT, mib < 10 ? "%.1f" : "%.0f", mib);
  }
}
