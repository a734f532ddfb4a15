package dev.visage.server.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.DeletePersonRequest;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.FrameResult;
import dev.visage.api.v1.RenamePersonRequest;
import dev.visage.api.v1.StreamConfig;
import dev.visage.api.v1.TrackEventType;
import dev.visage.server.testing.ClipFrames;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.StreamClient;
import dev.visage.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A live track's name follows the gallery at once: renamed, or deleted (then the face is a stranger). */
class GalleryChangesTest {

  @TempDir
  Path data;

  @Test
  void renamingOrDeletingAPersonShowsOnTheNextFrame() throws Exception {
    try (TestServer server = TestServer.start(data)) {
      String lin = server.gallery().enroll(EnrollRequest.newBuilder().setDisplayName("Lin")
          .addImages(Images.encoded("lin_manuel_miranda/lin-manuel-miranda.png")).build()).getPerson().getPersonId();
      List<byte[]> frames = ClipFrames.jpegs();
      StreamClient client = new StreamClient(server.channel(), StreamConfig.newBuilder().build());
      int frame = 100;
      FrameResult result;
      do {
        client.send(StreamClient.jpegFrame(frame, frames.get(frame)));
        result = client.awaitResult(frame++);
      } while (!(result.getFacesCount() == 1 && result.getFaces(0).hasIdentity()));
      assertEquals("Lin", result.getFaces(0).getIdentity().getDisplayName());

      server.gallery().renamePerson(RenamePersonRequest.newBuilder().setPersonId(lin).setDisplayName("Lin-Manuel Miranda").build());
      client.send(StreamClient.jpegFrame(frame, frames.get(frame)));
      result = client.awaitResult(frame++);
      assertEquals("Lin-Manuel Miranda", result.getFaces(0).getIdentity().getDisplayName(), "the new name at once");

      server.gallery().deletePerson(DeletePersonRequest.newBuilder().setPersonId(lin).build());
      client.send(StreamClient.jpegFrame(frame, frames.get(frame)));
      result = client.awaitResult(frame);
      assertFalse(result.getFaces(0).hasIdentity(), "a deleted person is a stranger from the next frame on");
      client.finish();
      assertTrue(client.events().stream().anyMatch(e -> e.getType() == TrackEventType.TRACK_EVENT_TYPE_IDENTITY_CHANGED
          && e.getPreviousIdentity().getPersonId().equals(lin) && !e.hasIdentity()));
    }
  }
}
