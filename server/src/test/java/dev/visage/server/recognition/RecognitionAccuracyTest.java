package dev.visage.server.recognition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.EnrollResponse;
import dev.visage.api.v1.IdentifiedFace;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.IdentifyResponse;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.SharedData;
import dev.visage.server.testing.TestServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recognition on the real photos at the default threshold, through a real server: enroll the first
 * photo of every person who has several; every other photo of theirs must be named correctly;
 * every face of the people with a single photo (never enrolled) and every distractor must be
 * unknown; photos without faces give none; group photos give every face.
 */
class RecognitionAccuracyTest {

  @TempDir
  static Path data;

  private static TestServer server;
  private static final Map<String, String> personIdByFolder = new HashMap<>();
  private static final Map<String, String> folderByPersonId = new HashMap<>();

  @BeforeAll
  static void enrollFirstPhotos() throws Exception {
    server = TestServer.start(data);
    SharedData.photosByPerson().forEach((folder, photos) -> {
      if (photos.size() < 2) {
        return;
      }
      EnrollResponse response = server.gallery().enroll(EnrollRequest.newBuilder()
          .setDisplayName(folder).addImages(Images.encoded(photos.get(0))).build());
      assertEquals(1, response.getEnrolledCount(), folder + ": " + response.getResultsList());
      personIdByFolder.put(folder, response.getPerson().getPersonId());
      folderByPersonId.put(response.getPerson().getPersonId(), folder);
    });
    assertEquals(12, personIdByFolder.size(), "the twelve people with several photos are enrolled");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static IdentifyResponse identify(Path photo) {
    return server.recognition().identify(IdentifyRequest.newBuilder().setImage(Images.encoded(photo)).build());
  }

  private static String named(IdentifiedFace face) {
    return face.hasMatch() ? folderByPersonId.get(face.getMatch().getPersonId()) : "unknown";
  }

  @Test
  void everyOtherPhotoOfAnEnrolledPersonIsNamedCorrectly() {
    float lowest = 1f;
    int photos = 0;
    for (Map.Entry<String, List<Path>> person : SharedData.photosByPerson().entrySet()) {
      List<Path> all = person.getValue();
      if (all.size() < 2) {
        continue;
      }
      for (Path photo : all.subList(1, all.size())) {
        IdentifyResponse response = identify(photo);
        assertEquals(1, response.getFacesCount(), SharedData.relative(photo));
        IdentifiedFace face = response.getFaces(0);
        assertEquals(person.getKey(), named(face), SharedData.relative(photo) + " candidates " + face.getCandidatesList());
        lowest = Math.min(lowest, face.getMatch().getSimilarity());
        photos++;
      }
    }
    System.out.printf(Locale.ROOT, "[accuracy] %d photos of enrolled people, all named correctly; lowest similarity %.3f%n",
        photos, lowest);
    assertEquals(40 - 12, photos, "40 photos of the twelve, less the twelve enrolled");
  }

  @Test
  void peopleNeverEnrolledAreUnknown() {
    float highest = -1f;
    int faces = 0;
    for (Map.Entry<String, List<Path>> person : SharedData.photosByPerson().entrySet()) {
      if (person.getValue().size() > 1) {
        continue;
      }
      for (Path photo : person.getValue()) {
        IdentifyResponse response = identify(photo);
        assertFalse(response.getFacesList().isEmpty(), SharedData.relative(photo));
        for (IdentifiedFace face : response.getFacesList()) {
          assertEquals("unknown", named(face), SharedData.relative(photo) + " " + face.getCandidatesList());
          highest = Math.max(highest, face.getCandidates(0).getSimilarity());
          faces++;
        }
      }
    }
    System.out.printf(Locale.ROOT, "[accuracy] %d faces of never-enrolled people, all unknown; closest stranger %.3f%n",
        faces, highest);
    assertEquals(9, faces);
  }

  @Test
  void photosWithoutFacesGiveNone() {
    for (Path photo : SharedData.photosIn("_noface")) {
      assertEquals(0, identify(photo).getFacesCount(), SharedData.relative(photo));
    }
  }

  @Test
  void groupPhotosGiveEveryFaceAndNameTheEnrolled() {
    Map<String, Integer> counts = SharedData.referenceFaceCounts();
    for (Path photo : SharedData.photosIn("_group")) {
      IdentifyResponse response = identify(photo);
      assertEquals(counts.get(SharedData.relative(photo)), response.getFacesCount(), SharedData.relative(photo));
    }
    assertEquals(List.of("kit_harington", "rose_leslie"), namedIn("_group/kit_with_rose.jpg"));
    assertEquals(List.of("biden", "obama"), namedIn("_group/obama_and_biden.jpg"));
  }

  @Test
  void alteredCopiesOfAnEnrolledFaceAreStillRecognised() {
    for (Path photo : SharedData.photosIn("_variants")) {
      IdentifyResponse response = identify(photo);
      assertEquals(1, response.getFacesCount(), SharedData.relative(photo));
      assertEquals("obama", named(response.getFaces(0)), SharedData.relative(photo) + " " + response.getFaces(0).getCandidatesList());
    }
  }

  private static List<String> namedIn(String photo) {
    IdentifyResponse response = identify(SharedData.photo(photo));
    List<String> named = response.getFacesList().stream()
        .filter(IdentifiedFace::hasMatch).map(RecognitionAccuracyTest::named).sorted().toList();
    assertTrue(named.size() <= response.getFacesCount());
    return named;
  }
}
