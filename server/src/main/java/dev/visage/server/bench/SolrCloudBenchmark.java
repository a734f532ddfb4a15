package dev.visage.server.bench;

import dev.visage.server.gallery.FaceHit;
import dev.visage.server.gallery.FaceOrigin;
import dev.visage.server.gallery.Gallery;
import dev.visage.server.gallery.ImportedPerson;
import dev.visage.server.gallery.LuceneGallery;
import dev.visage.server.gallery.NewFace;
import dev.visage.server.gallery.solr.SolrGallery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The same synthetic faces in the embedded gallery and in a SolrCloud collection: nearest-face
 * search against exact search on both (interleaved, query by query), and enrollment throughput
 * through one and through two independent gallery clients (what two recognition servers do).
 */
public final class SolrCloudBenchmark {

  private static final int DIMENSION = 128;
  private static final int BATCH = 2_000;
  private static final FaceOrigin ORIGIN = new FaceOrigin(0, 0, 100, 100, new float[10], 0.95f);

  /** One side's search figures. */
  public record Search(String gallery, double recallAt1, double recallAt10, double p50Ms, double p99Ms) {}

  /** Enrollments per second through {@code clients} gallery clients, {@code threads} callers each. */
  public record Enrollment(String gallery, int clients, int threads, int enrollments, double perSecond, double p50Ms) {}

  private final SyntheticFaces faces;

  public SolrCloudBenchmark(SyntheticFaces faces) {
    this.faces = faces;
  }

  /** Loads {@code size} faces (identities of 1 to 4 faces) into both galleries; returns every vector. */
  public float[] load(int size, LuceneGallery embedded, SolrGallery solr) {
    float[] all = new float[size * DIMENSION];
    List<ImportedPerson> batch = new ArrayList<>();
    int face = 0;
    for (int identity = 0; face < size; identity++) {
      float[] centre = faces.centre(identity);
      List<ImportedPerson.ImportedFace> own = new ArrayList<>();
      for (int n = 0; n < 1 + identity % 4 && face < size; n++, face++) {
        float[] vector = faces.face(centre, identity, n);
        System.arraycopy(vector, 0, all, face * DIMENSION, DIMENSION);
        own.add(new ImportedPerson.ImportedFace(new UUID(0, face).toString(), vector, ORIGIN, Instant.EPOCH));
      }
      batch.add(new ImportedPerson(new UUID(1, identity).toString(), "identity " + identity, Instant.EPOCH, own));
      if (batch.size() == BATCH || face == size) {
        embedded.importPersons(batch);
        solr.importPersons(batch);
        batch.clear();
      }
    }
    return all;
  }

  /** Searches both galleries with the same probes, alternating, and scores them against exact search. */
  public List<Search> search(float[] all, int queries, int candidates, LuceneGallery embedded, SolrGallery solr) {
    Random random = new Random(42);
    int identities = all.length / DIMENSION * 2 / 5;
    List<float[]> probes = new ArrayList<>(queries);
    for (int q = 0; q < queries; q++) {
      int identity = random.nextInt(identities);
      probes.add(faces.face(faces.centre(identity), identity, 1000 + q));
    }
    int[][] exact = probes.parallelStream().map(probe -> GalleryBenchmark.exactTop(all, probe, 10)).toArray(int[][]::new);
    for (float[] probe : probes.subList(0, Math.min(100, queries))) { // warm-up
      embedded.nearestFaces(probe, 10, candidates);
      solr.nearestFaces(probe, 10, candidates);
    }
    Side lucene = new Side();
    Side cloud = new Side();
    for (int q = 0; q < queries; q++) {
      long start = System.nanoTime();
      List<FaceHit> local = embedded.nearestFaces(probes.get(q), 10, candidates);
      lucene.add(System.nanoTime() - start, local.stream().map(FaceHit::faceId).toList(), exact[q]);
      start = System.nanoTime();
      List<Map.Entry<String, Float>> remote = solr.nearestFaces(probes.get(q), 10, candidates);
      cloud.add(System.nanoTime() - start, remote.stream().map(Map.Entry::getKey).toList(), exact[q]);
    }
    return List.of(lucene.result("embedded (Lucene, in process)", queries),
        cloud.result("SolrCloud (over HTTP/2)", queries));
  }

  /** Enrolls {@code count} one-face persons through the galleries, {@code threads} callers on each. */
  public Enrollment enroll(String name, List<? extends Gallery> galleries, int threads, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(galleries.size() * threads);
    AtomicInteger next = new AtomicInteger();
    List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    Random random = new Random(5);
    List<float[]> vectors = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      vectors.add(faces.face(faces.centre(10_000_000 + random.nextInt(1_000_000)), i, 0));
    }
    long start = System.nanoTime();
    List<Future<?>> callers = new ArrayList<>();
    for (Gallery gallery : galleries) {
      for (int t = 0; t < threads; t++) {
        callers.add(pool.submit(() -> {
          for (int i; (i = next.getAndIncrement()) < count; ) {
            long began = System.nanoTime();
            gallery.createPerson("enrolled " + i, List.of(new NewFace(vectors.get(i), ORIGIN)));
            latencies.add((System.nanoTime() - began) / 1e6);
          }
          return null;
        }));
      }
    }
    for (Future<?> caller : callers) {
      caller.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return new Enrollment(name, galleries.size(), threads, count, count / seconds, Stats.median(latencies));
  }

  public static Table searchTable(int size, int candidates, List<Search> searches) {
    Table table = new Table("faces", "gallery", "candidates", "recall@1", "recall@10", "p50 ms", "p99 ms");
    for (Search s : searches) {
      table.add(size, s.gallery(), candidates, fixed(s.recallAt1(), 3), fixed(s.recallAt10(), 3), fixed(s.p50Ms(), 2),
          fixed(s.p99Ms(), 2));
    }
    return table;
  }

  public static Table enrollmentTable(List<Enrollment> enrollments) {
    Table table = new Table("gallery", "clients", "threads each", "enrollments", "per second", "p50 ms");
    for (Enrollment e : enrollments) {
      table.add(e.gallery(), e.clients(), e.threads(), e.enrollments(), fixed(e.perSecond(), 1), fixed(e.p50Ms(), 1));
    }
    return table;
  }

  private static String fixed(double value, int decimals) {
    return String.format(java.util.Locale.ROOT, "%." + decimals + "f", value);
  }

  /** Latencies and hits of one gallery. */
  private static final class Side {
    private final List<Double> latencies = new ArrayList<>();
    private int top1;
    private int found;

    void add(long nanos, List<String> faceIds, int[] truth) {
      latencies.add(nanos / 1e6);
      Set<Integer> truthSet = new HashSet<>();
      for (int t : truth) {
        truthSet.add(t);
      }
      for (int i = 0; i < faceIds.size(); i++) {
        int index = (int) UUID.fromString(faceIds.get(i)).getLeastSignificantBits();
        if (i == 0 && index == truth[0]) {
          top1++;
        }
        if (truthSet.contains(index)) {
          found++;
        }
      }
    }

    Search result(String name, int queries) {
      return new Search(name, (double) top1 / queries, found / (10.0 * queries), Stats.median(latencies),
          Stats.percentile(latencies, 99));
    }
  }
}
