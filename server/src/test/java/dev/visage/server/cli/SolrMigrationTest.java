package dev.visage.server.cli;

import static dev.visage.server.testing.CommandRun.visage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.gallery.Enrollment;
import dev.visage.server.gallery.FaceOrigin;
import dev.visage.server.gallery.LuceneGallery;
import dev.visage.server.gallery.NewFace;
import dev.visage.server.gallery.PersonMatch;
import dev.visage.server.gallery.VectorIndexSettings;
import dev.visage.server.gallery.solr.SolrGallery;
import dev.visage.server.gallery.solr.SolrSettings;
import dev.visage.server.testing.CommandRun;
import dev.visage.server.testing.SolrCloudProcess;
import dev.visage.server.testing.UnitVectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code visage gallery migrate}: an embedded gallery on disk copied into a real SolrCloud collection. */
class SolrMigrationTest {

  private static final String MODEL = "migrated-model@00000000";
  private static final int DIMENSION = 128;

  @TempDir
  Path data;

  @Test
  void anEmbeddedGalleryMovesToSolrCloudWithIdsAndVectors() {
    UnitVectors vectors = new UnitVectors(3, DIMENSION);
    FaceOrigin origin = new FaceOrigin(5, 6, 70, 80, new float[10], 0.95f);
    List<float[]> probes = new ArrayList<>();
    List<Enrollment> enrolled = new ArrayList<>();
    try (LuceneGallery embedded = LuceneGallery.open(data.resolve("gallery"), MODEL, DIMENSION, VectorIndexSettings.DEFAULT)) {
      for (int i = 0; i < 450; i++) { // more than two batches
        float[] vector = vectors.random();
        probes.add(vector);
        enrolled.add(embedded.createPerson("Person " + i, List.of(new NewFace(vector, origin),
            new NewFace(vectors.near(vector, 0.7), origin))));
      }
    }
    SolrCloudProcess solr = SolrCloudProcess.shared();
    String[] args = {"gallery", "migrate", "--data-dir=" + data, "--gallery=SOLRCLOUD",
        "--solr-zk-hosts=" + solr.zkHost(), "--solr-collection=migrated"};

    CommandRun first = visage(args);
    assertEquals(0, first.exit(), first.out() + first.err());
    assertTrue(first.out().contains("Done: copied 450 persons, 900 faces; the collection holds 450 of those persons "
        + "and 900 of their faces (450 persons, 900 faces in all)"), first.out());

    CommandRun again = visage(args);
    assertEquals(0, again.exit(), again.out() + again.err());
    assertTrue(again.out().contains("(450 persons, 900 faces in all)"), "replaced, not doubled: " + again.out());

    try (SolrGallery migrated = SolrGallery.connect(SolrSettings.viaZooKeeper(solr.zkHost(), "migrated", 2, 2), MODEL,
        DIMENSION, VectorIndexSettings.DEFAULT)) {
      for (int i = 0; i < 450; i += 45) {
        PersonMatch match = migrated.search(probes.get(i), 1).get(0);
        assertEquals(enrolled.get(i).person().personId(), match.personId());
        assertEquals(enrolled.get(i).faceIds().get(0), match.faceId());
        assertEquals(1.0f, match.similarity(), 1e-4);
        assertEquals("Person " + i, match.displayName());
      }
    }
  }

  @Test
  void aTargetOfAnotherModelIsRefused() {
    try (LuceneGallery embedded = LuceneGallery.open(data.resolve("gallery"), "other-model@11111111", DIMENSION,
        VectorIndexSettings.DEFAULT)) {
      embedded.createPerson("Someone", List.of(new NewFace(new UnitVectors(4, DIMENSION).random(),
          new FaceOrigin(5, 6, 70, 80, new float[10], 0.95f))));
    }
    SolrCloudProcess solr = SolrCloudProcess.shared();
    // The collection of the other test, or a fresh one stamped first with MODEL.
    SolrGallery.connect(SolrSettings.viaZooKeeper(solr.zkHost(), "migrated-stamped", 2, 2), MODEL, DIMENSION,
        VectorIndexSettings.DEFAULT).close();
    CommandRun refused = visage("gallery", "migrate", "--data-dir=" + data, "--gallery=SOLRCLOUD",
        "--solr-zk-hosts=" + solr.zkHost(), "--solr-collection=migrated-stamped");
    assertEquals(2, refused.exit(), refused.out() + refused.err());
    assertTrue(refused.err().contains("cannot be compared"), refused.err());
  }

  @Test
  void withoutATargetItSaysWhatToName() {
    CommandRun refused = visage("gallery", "migrate", "--data-dir=" + data);
    assertEquals(2, refused.exit());
    assertTrue(refused.err().contains("--gallery SOLRCLOUD"), refused.err());
  }
}
