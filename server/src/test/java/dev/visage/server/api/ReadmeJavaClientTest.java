package dev.visage.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.EnrollResponse;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.IdentifiedFace;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.server.testing.SharedData;
import dev.visage.server.testing.TestServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java example, as written there (only the photo paths and the port differ). */
class ReadmeJavaClientTest {

  @TempDir
  Path data;

  @Test
  void theReadmeExampleEnrollsAndIdentifies() throws Exception {
    try (TestServer server = TestServer.start(data)) {
      Path ada1 = SharedData.photo("obama/obama.jpg");
      Path party = SharedData.photo("_group/obama_and_biden.jpg");
      List<String> printed = new ArrayList<>();

      // ---- as in the README ----
      ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", server.port()).usePlaintext().build();
      var gallery = GalleryServiceGrpc.newBlockingStub(channel);
      var recognition = RecognitionServiceGrpc.newBlockingStub(channel);

      Image photo = Image.newBuilder().setEncoded(ByteString.copyFrom(Files.readAllBytes(ada1))).build();
      EnrollResponse enrolled = gallery.enroll(EnrollRequest.newBuilder()
          .setDisplayName("Ada Lovelace").addImages(photo).build());
      String adaId = enrolled.getPerson().getPersonId();

      Image probe = Image.newBuilder().setEncoded(ByteString.copyFrom(Files.readAllBytes(party))).build();
      for (IdentifiedFace face : recognition.identify(IdentifyRequest.newBuilder().setImage(probe).build()).getFacesList()) {
        printed.add(face.hasMatch()
            ? face.getMatch().getDisplayName() + " (" + face.getMatch().getSimilarity() + ")"
            : "unknown");
      }
      // ---- end ----
      channel.shutdownNow();

      assertEquals(3, printed.size());
      assertEquals(1, printed.stream().filter(line -> line.startsWith("Ada Lovelace")).count());
      assertEquals(36, adaId.length());
    }
  }
}
