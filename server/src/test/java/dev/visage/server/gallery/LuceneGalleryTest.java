package dev.visage.server.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.visage.server.testing.UnitVectors;

/** The embedded gallery on a real Lucene index on disk. */
class LuceneGalleryTest {

  private static final String MODEL = "test-model@00000000";
  private static final int DIMENSION = 128;

  @TempDir
  Path directory;

  private final UnitVectors vectors = new UnitVectors(42, DIMENSION);
  private LuceneGallery gallery;

  @BeforeEach
  void open() {
    gallery = LuceneGallery.open(directory, MODEL, DIMENSION, VectorIndexSettings.DEFAULT);
  }

  @AfterEach
  void close() {
    gallery.close();
  }

  private float[] randomUnit() {
    return vectors.random();
  }

  private float[] near(float[] base, double cosine) {
    return vectors.near(base, cosine);
  }

  private NewFace face(float[] vector) {
    return new NewFace(vector, new FaceOrigin(10, 20, 100, 120, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.93f));
  }

  @Test
  void enrolledFacesAreFoundAtOnceGroupedByPerson() {
    float[] aliceFace = randomUnit();
    Enrollment alice = gallery.createPerson("Alice", List.of(face(aliceFace), face(near(aliceFace, 0.8))));
    Enrollment bob = gallery.createPerson("Bob", List.of(face(randomUnit())));

    List<PersonMatch> matches = gallery.search(aliceFace, 5);

    assertEquals(2, matches.size(), "two persons, Alice's two faces grouped as one");
    assertEquals(alice.person().personId(), matches.get(0).personId());
    assertEquals("Alice", matches.get(0).displayName());
    assertEquals(1.0f, matches.get(0).similarity(), 1e-4);
    assertEquals(alice.faceIds().get(0), matches.get(0).faceId());
    assertEquals(bob.person().personId(), matches.get(1).personId());
    assertTrue(matches.get(1).similarity() < 0.5f);
  }

  @Test
  void purgeRemovesEveryDeletedRecordEvenFromALargelyLiveSegment() {
    // One import is one segment; deleting one person of a hundred leaves it 1 % deleted, which
    // Lucene's default policy would not rewrite, leaving the deleted vector in the files.
    List<ImportedPerson> persons = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      persons.add(new ImportedPerson(java.util.UUID.randomUUID().toString(), "Kept " + i, java.time.Instant.now(),
          List.of(new ImportedPerson.ImportedFace(java.util.UUID.randomUUID().toString(), randomUnit(),
              face(randomUnit()).origin(), java.time.Instant.now()))));
    }
    gallery.importPersons(persons);
    gallery.deletePerson(persons.get(50).personId());

    assertTrue(gallery.purgeDeleted() >= 1, "the deleted person's records were in the segments");
    assertEquals(0, gallery.purgeDeleted(), "nothing deleted is left after a purge");
    assertEquals(99, gallery.listPersons("", 200, "").totalSize());
  }

  @Test
  void similarityIsTheCosineOfTheVectors() {
    float[] enrolled = randomUnit();
    gallery.createPerson("Carol", List.of(face(enrolled)));
    for (double cosine : new double[] {0.9, 0.4, 0.0, -0.3}) {
      assertEquals(cosine, gallery.search(near(enrolled, cosine), 1).get(0).similarity(), 1e-3);
    }
  }

  @Test
  void personsKeepTheirFacesAndWhereTheyCameFrom() {
    Enrollment dave = gallery.createPerson("Dave", List.of(face(randomUnit())));
    Enrollment more = gallery.addFaces(dave.person().personId(), List.of(face(randomUnit()), face(randomUnit())));
    assertEquals(3, more.person().faceCount());

    PersonRecord person = gallery.getPerson(dave.person().personId());
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
  void unknownIdsAreNotFound() {
    String missing = "3f2b8c1e-9d4a-4e7b-8a2c-5d6e7f809a1b";
    assertThrows(NotFoundException.class, () -> gallery.getPerson(missing));
    assertThrows(NotFoundException.class, () -> gallery.addFaces(missing, List.of(face(randomUnit()))));
    assertThrows(NotFoundException.class, () -> gallery.renamePerson(missing, "X"));
    assertThrows(NotFoundException.class, () -> gallery.deletePerson(missing));
    assertThrows(NotFoundException.class, () -> gallery.deleteFace(missing));
    assertThrows(NotFoundException.class, () -> gallery.closestFaceOf(missing, randomUnit()));
    assertEquals(0, gallery.stats().faces(), "a refused change leaves nothing behind");
  }

  @Test
  void deletedPersonsAndFacesAreNeverFoundAgain() {
    float[] vector = randomUnit();
    Enrollment erin = gallery.createPerson("Erin", List.of(face(vector), face(near(vector, 0.7))));
    FaceDeletion deletion = gallery.deleteFace(erin.faceIds().get(0));
    assertEquals(erin.person().personId(), deletion.personId());
    assertEquals(1, deletion.remainingFaces());
    assertEquals(erin.faceIds().get(1), gallery.search(vector, 1).get(0).faceId());

    assertEquals(1, gallery.deletePerson(erin.person().personId()));
    assertTrue(gallery.search(vector, 5).isEmpty());
    assertThrows(NotFoundException.class, () -> gallery.getPerson(erin.person().personId()));
    assertEquals(new GalleryStats(0, 0), gallery.stats());
  }

  @Test
  void aPersonWithoutFacesStaysUntilDeleted() {
    Enrollment frank = gallery.createPerson("Frank", List.of(face(randomUnit())));
    assertEquals(0, gallery.deleteFace(frank.faceIds().get(0)).remainingFaces());
    assertEquals(0, gallery.getPerson(frank.person().personId()).faceCount());
    assertTrue(gallery.closestFaceOf(frank.person().personId(), randomUnit()).isEmpty());
  }

  @Test
  void renameChangesTheNameEverywhere() {
    float[] vector = randomUnit();
    Enrollment gina = gallery.createPerson("Gina", List.of(face(vector)));
    PersonRecord renamed = gallery.renamePerson(gina.person().personId(), "Georgina");
    assertEquals("Georgina", renamed.displayName());
    assertEquals(1, renamed.faceCount());
    assertEquals("Georgina", gallery.search(vector, 1).get(0).displayName());
    assertEquals("Georgina", gallery.closestFaceOf(gina.person().personId(), vector).orElseThrow().displayName());
    assertEquals(1, gallery.stats().persons());
  }

  @Test
  void listsPersonsInNameOrderPageByPage() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String name = (i % 2 == 0 ? "person " : "Person ") + String.format("%02d", 24 - i);
      names.add(name);
      gallery.createPerson(name, List.of(face(randomUnit())));
    }
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      PersonPage page = gallery.listPersons("", 10, token);
      assertEquals(25, page.totalSize());
      page.persons().forEach(p -> seen.add(p.displayName()));
      token = page.nextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertEquals(3, pages);
    List<String> expected = new ArrayList<>(names);
    expected.sort(String.CASE_INSENSITIVE_ORDER);
    assertEquals(expected, seen, "every person once, in name order ignoring case");

    PersonPage exact = gallery.listPersons("", 25, "");
    assertEquals("", exact.nextPageToken(), "an exactly full last page says it is the last");
  }

  @Test
  void filtersByNameIgnoringCase() {
    gallery.createPerson("Ada Lovelace", List.of(face(randomUnit())));
    gallery.createPerson("Grace Hopper", List.of(face(randomUnit())));
    gallery.createPerson("Alan Turing", List.of(face(randomUnit())));
    PersonPage page = gallery.listPersons("LOVE", 10, "");
    assertEquals(1, page.totalSize());
    assertEquals("Ada Lovelace", page.persons().get(0).displayName());
    assertEquals(2, gallery.listPersons("a", 10, "").persons().stream()
        .filter(p -> p.displayName().startsWith("A")).count());
    assertEquals(0, gallery.listPersons("*", 10, "").totalSize(), "wildcards are plain characters");
  }

  @Test
  void foreignPageTokensAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> gallery.listPersons("", 10, "not-a-token"));
  }

  @Test
  void vectorsMustHaveTheGallerysLengthAndUnitNorm() {
    assertThrows(IllegalArgumentException.class, () -> gallery.createPerson("X", List.of(face(new float[64]))));
    float[] notUnit = randomUnit();
    notUnit[0] += 0.5f;
    assertThrows(IllegalArgumentException.class, () -> gallery.createPerson("X", List.of(face(notUnit))));
    float[] nan = randomUnit();
    nan[3] = Float.NaN;
    assertThrows(IllegalArgumentException.class, () -> gallery.search(nan, 1));
  }

  @Test
  void everythingSurvivesReopening() {
    float[] vector = randomUnit();
    Enrollment hal = gallery.createPerson("Hal", List.of(face(vector)));
    gallery.close();
    gallery = LuceneGallery.open(directory, MODEL, DIMENSION, VectorIndexSettings.DEFAULT);
    assertEquals("Hal", gallery.getPerson(hal.person().personId()).displayName());
    assertEquals(hal.faceIds().get(0), gallery.search(vector, 1).get(0).faceId());
  }

  @Test
  void aGalleryOfAnotherModelIsRefusedWithAnExplanation() {
    gallery.createPerson("Ivy", List.of(face(randomUnit())));
    gallery.close();
    GalleryModelMismatchException refused = assertThrows(GalleryModelMismatchException.class,
        () -> LuceneGallery.open(directory, "other-model@11111111", DIMENSION, VectorIndexSettings.DEFAULT));
    assertTrue(refused.getMessage().contains(MODEL) && refused.getMessage().contains("other-model@11111111"));
    assertTrue(refused.getMessage().contains("re-enroll"), refused.getMessage());
    assertThrows(GalleryModelMismatchException.class,
        () -> LuceneGallery.open(directory, MODEL, 512, VectorIndexSettings.DEFAULT));
    gallery = LuceneGallery.open(directory, MODEL, DIMENSION, VectorIndexSettings.DEFAULT);
    assertEquals(1, gallery.stats().faces(), "the refused opens changed nothing");
  }

  @Test
  void oneDirectoryServesOneServerAtATime() {
    GalleryStorageException refused = assertThrows(GalleryStorageException.class,
        () -> LuceneGallery.open(directory, MODEL, DIMENSION, VectorIndexSettings.DEFAULT));
    assertTrue(refused.getMessage().contains("in use"), refused.getMessage());
  }

  @Test
  void quantisedVectorsFindTheSameNeighbours() {
    gallery.close();
    for (VectorIndexSettings.VectorEncoding encoding : VectorIndexSettings.VectorEncoding.values()) {
      Path own = directory.resolve(encoding.name());
      try (LuceneGallery quantised = LuceneGallery.open(own, MODEL, DIMENSION,
          new VectorIndexSettings(16, 100, encoding, 50))) {
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          float[] vector = randomUnit();
          vectors.add(vector);
          quantised.createPerson("p" + i, List.of(face(vector)));
        }
        for (int i = 0; i < 50; i += 7) {
          assertEquals("p" + i, quantised.search(near(vectors.get(i), 0.9), 1).get(0).displayName(), encoding.name());
        }
      }
    }
    gallery = LuceneGallery.open(directory, MODEL, DIMENSION, VectorIndexSettings.DEFAULT);
  }

  @Test
  void concurrentWritersAndReadersSeeEveryAcknowledgedChange() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Enrollment>> writes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        float[] vector = randomUnit();
        String name = "concurrent " + i;
        writes.add(pool.submit(() -> {
          Enrollment enrollment = gallery.createPerson(name, List.of(face(vector)));
          // Read-your-write: acknowledged means searchable.
          assertEquals(enrollment.person().personId(), gallery.search(vector, 1).get(0).personId());
          return enrollment;
        }));
        pool.submit(() -> gallery.search(randomUnitSynchronized(), 3));
      }
      Set<String> ids = new HashSet<>();
      for (Future<Enrollment> write : writes) {
        assertTrue(ids.add(write.get().person().personId()));
      }
      assertEquals(new GalleryStats(40, 40), gallery.stats());
    } finally {
      pool.shutdownNow();
    }
  }

  private synchronized float[] randomUnitSynchronized() {
    return randomUnit();
  }

  @Test
  void closedGalleryDirectoryHoldsNoLock() {
    gallery.close();
    LuceneGallery reopened = LuceneGallery.open(directory, MODEL, DIMENSION, VectorIndexSettings.DEFAULT);
    assertFalse(reopened.stats().persons() < 0);
    gallery = reopened;
  }
}
