package dev.visage.server.cli;

import static dev.visage.server.testing.CommandRun.visage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.visage.api.v1.GetServerInfoRequest;
import dev.visage.server.client.BulkEnroller;
import dev.visage.server.client.EnrollReport;
import dev.visage.server.testing.CommandRun;
import dev.visage.server.testing.SharedData;
import dev.visage.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line client against a real server: bulk enrollment of the shared photos, and the rest. */
class ClientCommandsTest {

  @TempDir Path dir;

  @Test
  void bulkEnrollmentMatchesTheDataAndResumes() throws Exception {
    ObjectMapper json = new ObjectMapper();
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      String address = "--server=127.0.0.1:" + server.port();
      Path report = dir.resolve("report.json");
      CommandRun first = visage("enroll", "--dir=" + SharedData.faces(), address, "--report=" + report, "--concurrency=3");
      assertEquals(0, first.exit(), first.out() + first.err());

      EnrollReport result = json.readValue(report.toFile(), EnrollReport.class);
      List<Path> folders = BulkEnroller.personFolders(SharedData.faces());
      assertEquals(folders.size(), result.persons().size(), "one entry per person folder");
      long faces = 0;
      long persons = 0;
      for (EnrollReport.Person person : result.persons()) {
        Path folder = SharedData.faces().resolve(person.folder());
        assertEquals(BulkEnroller.photos(folder).size(), person.photos().size(), person.folder() + ": every photo accounted for");
        faces += person.enrolledPhotos();
        if (person.enrolledPhotos() > 0) {
          persons++;
          assertEquals(EnrollReport.ENROLLED, person.status());
        } else {
          assertEquals(EnrollReport.NO_USABLE_FACE, person.status());
          assertTrue(first.out().contains(person.folder() + ": " + EnrollReport.NO_USABLE_FACE), "reported, not skipped");
        }
        for (EnrollReport.Photo photo : person.photos()) {
          if (photo.status().equals(EnrollReport.Photo.REJECTED)) {
            assertTrue(first.out().contains(person.folder() + "/" + photo.file() + ": " + photo.message()), first.out());
          }
        }
      }
      var info = server.recognition().getServerInfo(GetServerInfoRequest.getDefaultInstance());
      assertEquals(persons, info.getPersonCount());
      assertEquals(faces, info.getFaceCount());
      assertTrue(first.out().contains(persons + " of " + folders.size() + " persons enrolled, " + faces + " faces"), first.out());

      CommandRun again = visage("enroll", "--dir=" + SharedData.faces(), address, "--report=" + report);
      assertEquals(0, again.exit(), again.err());
      var unchanged = server.recognition().getServerInfo(GetServerInfoRequest.getDefaultInstance());
      assertEquals(faces, unchanged.getFaceCount(), "a second run sends nothing already enrolled");

      EnrollReport.Person obama = result.persons().stream().filter(p -> p.folder().equals("obama")).findFirst().orElseThrow();
      CommandRun deleted = visage("persons", "delete", obama.personId(), address);
      assertEquals(0, deleted.exit(), deleted.err());
      CommandRun restored = visage("enroll", "--dir=" + SharedData.faces(), address, "--report=" + report);
      assertEquals(0, restored.exit(), restored.err());
      assertEquals(faces, server.recognition().getServerInfo(GetServerInfoRequest.getDefaultInstance()).getFaceCount(),
          "a person deleted on the server is enrolled again");

      CommandRun identified = visage("identify", SharedData.photo("_variants/obama-720p.jpg").toString(), "--json", address);
      assertEquals(0, identified.exit(), identified.err());
      JsonNode face = json.readTree(identified.out()).get("faces").get(0);
      assertEquals("obama", face.get("name").asText());

      CommandRun listed = visage("persons", "list", "--json", "--name-contains=obam", address);
      JsonNode listedPersons = json.readTree(listed.out());
      assertEquals(1, listedPersons.size());
      String obamaId = listedPersons.get(0).get("personId").asText();
      assertEquals(0, visage("persons", "rename", obamaId, "Barack Obama", address).exit());
      CommandRun table = visage("identify", SharedData.photo("_variants/obama-720p.jpg").toString(), address);
      assertTrue(table.out().contains("Barack Obama"), table.out());

      CommandRun same = visage("verify", SharedData.photo("obama/obama1.jpg").toString(), "--person=" + obamaId, address);
      assertEquals(0, same.exit(), same.out() + same.err());
      assertTrue(same.out().startsWith("same person"), same.out());
      CommandRun other = visage("verify", SharedData.photo("obama/obama1.jpg").toString(),
          "--reference=" + SharedData.photo("biden/biden.jpg"), address);
      assertEquals(3, other.exit(), other.out() + other.err());
      CommandRun detected = visage("detect", SharedData.photo("_group/obama_and_biden.jpg").toString(), "--json", address);
      assertEquals(3, json.readTree(detected.out()).get("faces").size(), "the reference count: " + detected.out());

      CommandRun unreachable = visage("persons", "list", "--server=127.0.0.1:1");
      assertEquals(1, unreachable.exit());
      assertTrue(unreachable.err().contains("UNAVAILABLE"), unreachable.err());
      List<String> args = new ArrayList<>(List.of("faces", "delete", "00000000-0000-4000-8000-000000000000", address));
      CommandRun noSuchFace = visage(args.toArray(String[]::new));
      assertEquals(1, noSuchFace.exit());
      assertTrue(noSuchFace.err().contains("NOT_FOUND"), noSuchFace.err());
    }
  }

  @Test
  void peopleWithoutAUsableFaceAndRejectedPhotosAreReported() throws Exception {
    // A small dataset in the same layout, linking to shared photos: one person whose photos show no
    // face, one with a good photo and a bad one.
    Path photos = dir.resolve("photos");
    java.nio.file.Files.createDirectories(photos.resolve("nobody"));
    java.nio.file.Files.createDirectories(photos.resolve("rob_lowe"));
    java.nio.file.Files.createSymbolicLink(photos.resolve("nobody/rocket.jpg"), SharedData.photo("_noface/rocket.jpg"));
    java.nio.file.Files.createSymbolicLink(photos.resolve("nobody/brick.png"), SharedData.photo("_noface/brick.png"));
    java.nio.file.Files.createSymbolicLink(photos.resolve("rob_lowe/a.jpg"), SharedData.photo("rob_lowe/Rob_Lowe_0001.jpg"));
    java.nio.file.Files.createSymbolicLink(photos.resolve("rob_lowe/b.jpg"), SharedData.photo("_noface/view.jpg"));
    java.nio.file.Files.writeString(photos.resolve("rob_lowe/notes.txt"), "not a photo, not sent");
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      Path report = dir.resolve("report.json");
      CommandRun run = visage("enroll", "--dir=" + photos, "--server=127.0.0.1:" + server.port(), "--report=" + report);
      assertEquals(0, run.exit(), run.err());
      assertTrue(run.out().contains("nobody: " + EnrollReport.NO_USABLE_FACE), run.out());
      assertTrue(run.out().contains("1 of 2 persons enrolled, 1 faces"), run.out());
      assertTrue(run.out().contains("Rejected photos: 3 NO_FACE."), run.out());
      assertTrue(run.out().contains("rob_lowe/b.jpg: "), run.out());
      EnrollReport result = new ObjectMapper().readValue(report.toFile(), EnrollReport.class);
      assertEquals(2, result.persons().get(0).photos().size(), "nobody's two photos, each with its reason");
      assertEquals("NO_FACE", result.persons().get(0).photos().get(0).reason());
      assertEquals(1, server.recognition().getServerInfo(GetServerInfoRequest.getDefaultInstance()).getPersonCount());
    }
  }
}
