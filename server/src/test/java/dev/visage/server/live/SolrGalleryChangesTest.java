package dev.visage.server.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.DeletePersonRequest;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.FrameResult;
import dev.visage.api.v1.RenamePersonRequest;
import dev.visage.api.v1.StreamConfig;
import dev.visage.server.testing.ClipFrames;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.SolrCloudProcess;
import dev.visage.server.testing.StreamClient;
import dev.visage.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers sharing a SolrCloud collection: a person enrolled through one is named on the other's
 * live stream, and a rename or delete made through the first reaches the second's live tracks
 * within about a second (the shared gallery's revision is read at most once a second).
 */
class SolrGalleryChangesTest {

  @TempDir
  Path data;

  @Test
  void changesThroughOneServerReachTheOthersLiveTracks() throws Exception {
    SolrCloudProcess solr = SolrCloudProcess.shared();
    try (TestServer enrolling = TestServer.start(Files.createDirectories(data.resolve("a")), solr.serverFlags("live-changes"));
         TestServer watching = TestServer.start(Files.createDirectories(data.resolve("b")), solr.serverFlags("live-changes"))) {
      String lin = enrolling.gallery().enroll(EnrollRequest.newBuilder().setDisplayName("Lin")
          .addImages(Images.encoded("lin_manuel_miranda/lin-manuel-miranda.png")).build()).getPerson().getPersonId();
      List<byte[]> frames = ClipFrames.jpegs();
      StreamClient client = new StreamClient(watching.channel(), StreamConfig.newBuilder().build());
      int[] frame = {100};
      FrameResult named = sendUntil(client, frames, frame, r -> r.getFacesCount() == 1 && r.getFaces(0).hasIdentity(), 60);
      assertEquals("Lin", named.getFaces(0).getIdentity().getDisplayName(), "enrolled through the other server");

      enrolling.gallery().renamePerson(RenamePersonRequest.newBuilder().setPersonId(lin).setDisplayName("Lin-Manuel Miranda").build());
      long renamed = System.nanoTime();
      sendUntil(client, frames, frame, r -> r.getFacesCount() == 1 && r.getFaces(0).hasIdentity()
          && r.getFaces(0).getIdentity().getDisplayName().equals("Lin-Manuel Miranda"), 60);
      double renameSeconds = (System.nanoTime() - renamed) / 1e9;
      assertTrue(renameSeconds < 2.5, "the new name reached the other server's stream after " + renameSeconds + " s");

      enrolling.gallery().deletePerson(DeletePersonRequest.newBuilder().setPersonId(lin).build());
      long deleted = System.nanoTime();
      FrameResult stranger = sendUntil(client, frames, frame, r -> r.getFacesCount() == 1 && !r.getFaces(0).hasIdentity(), 60);
      double deleteSeconds = (System.nanoTime() - deleted) / 1e9;
      assertFalse(stranger.getFaces(0).hasIdentity());
      assertTrue(deleteSeconds < 2.5, "the deleted person became a stranger on the other server after " + deleteSeconds + " s");
      client.finish();
    }
  }

  /** Sends frames one at a time until a result passes {@code done}; fails after {@code limit} frames. */
  private static FrameResult sendUntil(StreamClient client, List<byte[]> frames, int[] frame, Predicate<FrameResult> done,
      int limit) throws Exception {
    for (int sent = 0; sent < limit; sent++) {
      client.send(StreamClient.jpegFrame(frame[0], frames.get(frame[0])));
      FrameResult result = client.awaitResult(frame[0]++);
      if (done.test(result)) {
        return result;
      }
    }
    throw new AssertionError("no frame showed the change within " + limit + " frames");
  }
}
