package dev.visage.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.GetPersonRequest;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.IdentifyResponse;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gallery outlives the server: a new server on the same directory knows everyone. */
class RestartTest {

  @TempDir
  Path data;

  @Test
  void enrolledPersonsAreRecognisedAfterARestart() throws Exception {
    String personId;
    try (TestServer first = TestServer.start(data)) {
      personId = first.gallery().enroll(EnrollRequest.newBuilder()
          .setDisplayName("Kit Harington").addImages(Images.encoded("kit_harington/john1.jpeg")).build())
          .getPerson().getPersonId();
    }
    try (TestServer second = TestServer.start(data)) {
      IdentifyResponse response = second.recognition().identify(IdentifyRequest.newBuilder()
          .setImage(Images.encoded("kit_harington/johnsnow_test1.jpg")).build());
      assertTrue(response.getFaces(0).hasMatch());
      assertEquals(personId, response.getFaces(0).getMatch().getPersonId());
      assertEquals("Kit Harington", second.gallery().getPerson(GetPersonRequest.newBuilder().setPersonId(personId).build())
          .getPerson().getDisplayName());
    }
  }
}
