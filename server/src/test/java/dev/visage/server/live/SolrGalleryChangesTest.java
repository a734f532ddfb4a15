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

  /** Frames 100 to 179 of the clip: Lin in view, the largest face, no cut. */
  private static final int FIRST_FRAME = 100;
  private static final int SPAN = 80;

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
      int[] frame = {0};
      // Faces come largest first, and Lin is the largest; later in the clip others may be in view.
      FrameResult named = sendUntil(client, frames, frame, r -> r.getFacesCount() >= 1 && r.getFaces(0).hasIdentity(), 10);
      assertEquals("Lin", named.getFaces(0).getIdentity().getDisplayName(), "enrolled through the other server");

      enrolling.gallery().renamePerson(RenamePersonRequest.newBuilder().setPersonId(lin).setDisplayName("Lin-Manuel Miranda").build());
      long renamed = System.nanoTime();
      sendUntil(client, frames, frame, r -> r.getFacesCount() >= 1 && r.getFaces(0).hasIdentity()
          && r.getFaces(0).getIdentity().getDisplayName().equals("Lin-Manuel Miranda"), 10);
      double renameSeconds = (System.nanoTime() - renamed) / 1e9;
      assertTrue(renameSeconds < 2.5, "the new name reached the other server's stream after " + renameSeconds + " s");

      enrolling.gallery().deletePerson(DeletePersonRequest.newBuilder().setPersonId(lin).build());
      long deleted = System.nanoTime();
      FrameResult stranger = sendUntil(client, frames, frame, r -> r.getFacesCount() >= 1
          && r.getFacesList().stream().noneMatch(f -> f.hasIdentity()), 10);
      double deleteSeconds = (System.nanoTime() - deleted) / 1e9;
      assertFalse(stranger.getFaces(0).hasIdentity());
      assertTrue(deleteSeconds < 2.5, "the deleted person became a stranger on the other server after " + deleteSeconds + " s");
      client.finish();
    }
  }

  /**
   * Sends frames one at a time until a result passes {@code done}; fails after {@code seconds}. The
   * clip plays back and forth between frames 100 and 179 (where Lin is in view, with no cut), so a
   * long wait never runs out of frames; the limit is time, not frames, as fast frames (no new
   * track to embed) would otherwise end the wait before the revision is read again.
   */
  private static FrameResult sendUntil(StreamClient client, List<byte[]> frames, int[] frame, Predicate<FrameResult> done,
      int seconds) throws Exception {
    StringBuilder seen = new StringBuilder();
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      int sequence = frame[0]++;
      client.send(StreamClient.jpegFrame(sequence, frames.get(backAndForth(sequence))));
      FrameResult result = client.awaitResult(sequence);
      if (done.test(result)) {
        return result;
      }
      seen.append(' ').append(result.getFacesCount()).append(result.getFacesCount() == 0 ? ""
          : result.getFaces(0).hasIdentity() ? "=" + result.getFaces(0).getIdentity().getDisplayName() : "?");
    }
    throw new AssertionError("no frame showed the change within " + seconds + " s (faces per frame, = named, "
        + "? unknown:" + seen + ")");
  }

  private static int backAndForth(int sequence) {
    int phase = sequence % (2 * SPAN);
    return FIRST_FRAME + (phase < SPAN ? phase : 2 * SPAN - 1 - phase);
  }
}
