package dev.visage.server.gallery.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.gallery.Enrollment;
import dev.visage.server.gallery.FaceOrigin;
import dev.visage.server.gallery.FaceRecord;
import dev.visage.server.gallery.GalleryModelMismatchException;
import dev.visage.server.gallery.ImportedPerson;
import dev.visage.server.gallery.NewFace;
import dev.visage.server.gallery.NotFoundException;
import dev.visage.server.gallery.PersonMatch;
import dev.visage.server.gallery.PersonPage;
import dev.visage.server.gallery.PersonRecord;
import dev.visage.server.gallery.VectorIndexSettings;
import dev.visage.server.testing.SolrCloudProcess;
import dev.visage.server.testing.UnitVectors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SolrCloud gallery against a real SolrCloud (3 nodes, 2 shards x 2 replicas, in a JVM of its
 * own). Two gallery instances share the collection, as two recognition servers would: every change
 * made through one is checked through the other at once.
 */
class SolrGalleryTest {

  private static final String MODEL = "test-model@00000000";
  private static final int DIMENSION = 128;
  private static final String COLLECTION = "gallery-semantics";

  private static SolrCloudProcess solr;
  private static SolrGallery writer;
  private static SolrGallery reader;
  // One stream for the whole class: the tests share the collection, so no two may enroll the same vector.
  private static final UnitVectors vectors = new UnitVectors(7, DIMENSION);

  @BeforeAll
  static void connect() {
    solr = SolrCloudProcess.shared();
    writer = SolrGallery.connect(settings(COLLECTION), MODEL, DIMENSION, VectorIndexSettings.DEFAULT);
    reader = SolrGallery.connect(settings(COLLECTION), MODEL, DIMENSION, VectorIndexSettings.DEFAULT);
  }

  @AfterAll
  static void disconnect() {
    writer.close();
    reader.close();
  }

  static SolrSettings settings(String collection) {
    return SolrSettings.viaZooKeeper(solr.zkHost(), collection, 2, 2);
  }

  private static NewFace face(float[] vector) {
    return new NewFace(vector, new FaceOrigin(10, 20, 100, 120, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.93f));
  }

  @Test
  void anEnrollmentThroughOneServerIsFoundAtOnceThroughTheOther() {
    for (int i = 0; i < 10; i++) {
      float[] vector = vectors.random();
      Enrollment enrolled = writer.createPerson("Person " + i, List.of(face(vector), face(vectors.near(vector, 0.8))));
      // No waiting, no retry: the acknowledgement means every searcher sees it.
      List<PersonMatch> found = reader.search(vector, 3);
      assertEquals(enrolled.person().personId(), found.get(0).personId());
      assertEquals(enrolled.faceIds().get(0), found.get(0).faceId());
      assertEquals(1.0f, found.get(0).similarity(), 1e-4);
      assertEquals("Person " + i, found.get(0).displayName());
    }
  }

  @Test
  void similarityIsTheCosineOfTheVectors() {
    float[] enrolled = vectors.random();
    String id = writer.createPerson("Carol", List.of(face(enrolled))).person().personId();
    for (double cosine : new double[] {0.9, 0.4, 0.0, -0.3}) {
      PersonMatch match = reader.closestFaceOf(id, vectors.near(enrolled, cosine)).orElseThrow();
      assertEquals(cosine, match.similarity(), 1e-3);
    }
    PersonMatch best = reader.search(vectors.near(enrolled, 0.9), 1).get(0);
    assertEquals(id, best.personId());
    assertEquals(0.9, best.similarity(), 1e-3);
  }

  @Test
  void personsKeepTheirFacesAndWhereTheyCameFrom() {
    Enrollment dave = writer.createPerson("Dave", List.of(face(vectors.random())));
    Enrollment more = writer.addFaces(dave.person().personId(), List.of(face(vectors.random()), face(vectors.random())));
    assertEquals(3, more.person().faceCount());

    PersonRecord person = reader.getPerson(dave.person().personId());
    assertEquals("Dave", person.displayName());
    assertEquals(3, person.faces().size());
    FaceRecord first = person.faces().stream()
        .filter(f -> f.faceId().equals(dave.faceIds().get(0))).findFirst().orElseThrow();
    assertEquals(MODEL, first.modelId());
    assertEquals(100f, first.origin().width());
    assertEquals(0.93f, first.origin().score());
    assertEquals(10f, first.origin().landmarks()[9]);
  }

  @Test
  void deletesAreNeverFoundAgain() {
    float[] vector = vectors.random();
    Enrollment erin = writer.createPerson("Erin", List.of(face(vector), face(vectors.near(vector, 0.7))));
    String erinId = erin.person().personId();
    long revision = reader.revision();

    assertEquals(1, writer.deleteFace(erin.faceIds().get(0)).remainingFaces());
    assertEquals(erin.faceIds().get(1), reader.search(vector, 1).get(0).faceId(), "the deleted face is gone at once");
    assertThrows(NotFoundException.class, () -> writer.deleteFace(erin.faceIds().get(0)));

    assertEquals(1, writer.deletePerson(erinId));
    assertTrue(reader.search(vector, 10).stream().noneMatch(m -> m.personId().equals(erinId)));
    assertThrows(NotFoundException.class, () -> reader.getPerson(erinId));
    assertTrue(reader.displayName(erinId).isEmpty());
    assertTrue(awaitRevisionAbove(revision), "other servers learn that a match may be stale");
  }

  @Test
  void unknownIdsAreNotFound() {
    String missing = "3f2b8c1e-9d4a-4e7b-8a2c-5d6e7f809a1b";
    long faces = reader.stats().faces();
    assertThrows(NotFoundException.class, () -> reader.getPerson(missing));
    assertThrows(NotFoundException.class, () -> writer.addFaces(missing, List.of(face(vectors.random()))));
    assertThrows(NotFoundException.class, () -> writer.renamePerson(missing, "X"));
    assertThrows(NotFoundException.class, () -> writer.deletePerson(missing));
    assertThrows(NotFoundException.class, () -> writer.deleteFace(missing));
    assertThrows(NotFoundException.class, () -> reader.closestFaceOf(missing, vectors.random()));
    assertEquals(faces, reader.stats().faces(), "a refused change leaves nothing behind");
  }

  @Test
  void renamesListsAndPagesAreSeenByTheOtherServer() {
    String tag = "Pager" + System.nanoTime();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      ids.add(writer.createPerson(tag + " " + (char) ('G' - i), List.of(face(vectors.random()))).person().personId());
    }
    String first = writer.createPerson(tag + " Z", List.of(face(vectors.random()))).person().personId();
    writer.renamePerson(first, tag + " A");
    ids.add(first);

    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String token = "";
    int pages = 0;
    do {
      PersonPage page = reader.listPersons(tag.toLowerCase(), 3, token);
      assertEquals(8, page.totalSize());
      page.persons().forEach(p -> {
        names.add(p.displayName());
        seen.add(p.personId());
        assertEquals(1, p.faceCount());
      });
      token = page.nextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertEquals(3, pages, "8 persons in pages of 3, and no empty last page");
    assertEquals(ids, seen);
    assertEquals(tag + " A", names.get(0), "the renamed person sorts under the new name");
    assertEquals(names.stream().sorted(String.CASE_INSENSITIVE_ORDER).toList(), names);
    assertThrows(IllegalArgumentException.class, () -> reader.listPersons("", 3, "not-a-token"));
    assertThrows(IllegalArgumentException.class, () -> reader.listPersons("", 3, "s1.AoE garbage"));
  }

  @Test
  void exportAndImportKeepIdsVectorsAndTimes() {
    float[] vector = vectors.random();
    Enrollment frank = writer.createPerson("Frank", List.of(face(vector)));
    List<ImportedPerson> exported = new ArrayList<>();
    reader.exportPersons(exported::add);
    ImportedPerson frankOut = exported.stream().filter(p -> p.personId().equals(frank.person().personId()))
        .findFirst().orElseThrow();
    assertEquals(frank.faceIds(), frankOut.faces().stream().map(ImportedPerson.ImportedFace::faceId).toList());
    assertEquals(1.0f, UnitVectors.dot(vector, frankOut.faces().get(0).vector()), 1e-5);

    try (SolrGallery copy = SolrGallery.connect(settings("gallery-import-copy"), MODEL, DIMENSION,
        VectorIndexSettings.DEFAULT)) {
      copy.importPersons(exported);
      copy.importPersons(exported); // again: replaced, not doubled
      assertEquals(exported.size(), copy.stats().persons());
      assertEquals(exported.stream().mapToLong(p -> p.faces().size()).sum(), copy.stats().faces());
      PersonMatch match = copy.search(vector, 1).get(0);
      assertEquals(frank.person().personId(), match.personId());
      assertEquals(frank.faceIds().get(0), match.faceId());
      assertEquals(frank.person().createTime().toEpochMilli(),
          copy.getPerson(match.personId()).createTime().toEpochMilli());
    }
  }

  @Test
  void aCollectionOfAnotherModelIsRefused() {
    GalleryModelMismatchException refused = assertThrows(GalleryModelMismatchException.class,
        () -> SolrGallery.connect(settings(COLLECTION), "other-model@11111111", DIMENSION, VectorIndexSettings.DEFAULT));
    assertTrue(refused.getMessage().contains(MODEL) && refused.getMessage().contains("other-model@11111111"),
        refused.getMessage());
  }

  @Test
  void purgeRemovesDeletedRecordsFromTheSegments() {
    // Persons written together share segments; deleting a few leaves each shard's segment mostly
    // live, which Lucene's default policy would not rewrite (the config set's policy does).
    List<ImportedPerson> persons = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      persons.add(new ImportedPerson(java.util.UUID.randomUUID().toString(), "Purge " + i, java.time.Instant.now(),
          List.of(new ImportedPerson.ImportedFace(java.util.UUID.randomUUID().toString(), vectors.random(),
              face(vectors.random()).origin(), java.time.Instant.now()))));
    }
    writer.importPersons(persons);
    for (int i = 0; i < 100; i += 25) {
      writer.deletePerson(persons.get(i).personId());
    }
    int purged = writer.purgeDeleted();
    assertTrue(purged >= 1, "the leaders held the deleted documents until the purge");
    assertEquals(0, writer.purgeDeleted(), "nothing deleted is left in the leaders' segments after a purge");
  }

  @Test
  void badVectorsAreRefusedBeforeReachingSolr() {
    assertThrows(IllegalArgumentException.class, () -> writer.createPerson("Short", List.of(face(new float[3]))));
    float[] notUnit = vectors.random();
    notUnit[0] += 1;
    assertThrows(IllegalArgumentException.class, () -> writer.createPerson("Long", List.of(face(notUnit))));
    assertThrows(IllegalArgumentException.class, () -> reader.search(notUnit, 1));
    assertFalse(reader.listPersons("short", 10, "").totalSize() > 0);
  }

  private static boolean awaitRevisionAbove(long revision) {
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (reader.revision() > revision) {
        return true;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }
}
