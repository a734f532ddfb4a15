package dev.visage.server.cli;

import static dev.visage.server.testing.CommandRun.visage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.gallery.GalleryStorageException;
import dev.visage.server.gallery.VectorIndexSettings;
import dev.visage.server.gallery.solr.SolrGallery;
import dev.visage.server.gallery.solr.SolrSettings;
import dev.visage.server.testing.CommandRun;
import dev.visage.server.testing.SolrCloudProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code visage gallery solr-create} against a real SolrCloud, and servers that may not create collections. */
class SolrCreateCommandTest {

  private static SolrSettings withoutCreating(SolrCloudProcess solr, String collection) {
    String[] zk = SolrSettings.splitChroot(solr.zkHost());
    return new SolrSettings(List.of(zk[0]), zk[1], List.of(), collection, 2, 2, false, null, null, null, null, null,
        null, Duration.ofSeconds(30));
  }

  @Test
  void theCollectionIsCreatedAheadAndServersThatMayNotCreateUseIt() {
    SolrCloudProcess solr = SolrCloudProcess.shared();
    String[] args = {"gallery", "solr-create", "--gallery=SOLRCLOUD", "--solr-zk-hosts=" + solr.zkHost(),
        "--solr-collection=created-ahead", "--solr-shards=3", "--solr-replicas=2"};
    CommandRun created = visage(args);
    assertEquals(0, created.exit(), created.out() + created.err());
    assertTrue(created.out().contains("created: 3 shards, 6 replicas on 3 nodes"), created.out());
    CommandRun again = visage(args);
    assertEquals(0, again.exit(), again.out() + again.err());
    assertTrue(again.out().contains("already there: 3 shards, 6 replicas"), again.out());

    try (SolrGallery gallery = SolrGallery.connect(withoutCreating(solr, "created-ahead"), "m@00000000", 128,
        VectorIndexSettings.DEFAULT)) {
      assertEquals(0, gallery.stats().persons());
    }
    GalleryStorageException missing = assertThrows(GalleryStorageException.class, () -> SolrGallery.connect(
        withoutCreating(solr, "never-created"), "m@00000000", 128, VectorIndexSettings.DEFAULT));
    assertTrue(missing.getMessage().contains("'never-created' does not exist"), missing.getMessage());
  }

  @Test
  void withoutAClusterItSaysWhatToName() {
    CommandRun refused = visage("gallery", "solr-create");
    assertEquals(2, refused.exit());
    assertTrue(refused.err().contains("--gallery SOLRCLOUD"), refused.err());
  }
}
