package dev.visage.server.gallery.solr;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.gallery.FaceOrigin;
import dev.visage.server.gallery.ImportedPerson;
import dev.visage.server.gallery.VectorIndexSettings;
import dev.visage.server.testing.SolrCloudProcess;
import dev.visage.server.testing.UnitVectors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The distributed k-nearest search (each shard's HNSW graph, merged) against exact search over the
 * same vectors: identities clustered like real embeddings (a centre per person, faces at cosine
 * about 0.7 from it), probes that are new faces of enrolled persons.
 */
class SolrRecallTest {

  private static final int DIMENSION = 128;
  private static final int PERSONS = 1_000;
  private static final int FACES_PER_PERSON = 5;
  private static final int PROBES = 100;
  private static final int K = 10;

  @Test
  void distributedSearchFindsWhatExactSearchFinds() {
    SolrCloudProcess solr = SolrCloudProcess.shared();
    UnitVectors vectors = new UnitVectors(11, DIMENSION);
    FaceOrigin origin = new FaceOrigin(0, 0, 100, 100, new float[10], 0.9f);
    List<float[]> centres = new ArrayList<>();
    List<String> faceIds = new ArrayList<>();
    List<float[]> faceVectors = new ArrayList<>();
    try (SolrGallery gallery = SolrGallery.connect(SolrSettings.viaZooKeeper(solr.zkHost(), "recall", 2, 2),
        "recall-model@00000000", DIMENSION, VectorIndexSettings.DEFAULT)) {
      List<ImportedPerson> batch = new ArrayList<>();
      for (int p = 0; p < PERSONS; p++) {
        float[] centre = vectors.random();
        centres.add(centre);
        List<ImportedPerson.ImportedFace> faces = new ArrayList<>();
        for (int f = 0; f < FACES_PER_PERSON; f++) {
          float[] vector = vectors.near(centre, 0.7);
          String id = UUID.randomUUID().toString();
          faceIds.add(id);
          faceVectors.add(vector);
          faces.add(new ImportedPerson.ImportedFace(id, vector, origin, Instant.now()));
        }
        batch.add(new ImportedPerson(UUID.randomUUID().toString(), "Person " + p, Instant.now(), faces));
        if (batch.size() == 250) {
          gallery.importPersons(batch);
          batch.clear();
        }
      }

      double found = 0;
      for (int q = 0; q < PROBES; q++) {
        float[] probe = vectors.near(centres.get(q * (PERSONS / PROBES)), 0.7);
        Set<String> exact = new HashSet<>(IntStream.range(0, faceVectors.size()).boxed()
            .sorted(Comparator.comparingDouble(i -> -UnitVectors.dot(probe, faceVectors.get(i))))
            .limit(K).map(faceIds::get).toList());
        List<Map.Entry<String, Float>> approximate = gallery.nearestFaces(probe, K, 100);
        found += approximate.stream().filter(hit -> exact.contains(hit.getKey())).count();
      }
      double recall = found / (PROBES * K);
      System.out.printf("distributed recall@%d over %d faces on 2 shards: %.4f%n", K, faceIds.size(), recall);
      assertTrue(recall >= 0.95, "recall@10 of the distributed search is " + recall);
    }
  }
}
