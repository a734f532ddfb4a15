package dev.visage.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.visage.api.v1.DeleteFaceRequest;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.EnrollResponse;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.PurgeDeletedRequest;
import dev.visage.api.v1.VerifyRequest;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.SharedData;
import dev.visage.server.testing.TestServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * No photograph is kept: not in the data folder, not in the logs (even at debug level), and no
 * embedding is logged. A deleted person's vector leaves the index files when deletions are purged.
 */
class PrivacyTest {

  @TempDir Path dir;

  @Test
  void photosNeverReachDiskOrLogsAndPurgedVectorsLeaveTheFiles() throws Exception {
    Logger visage = (Logger) LoggerFactory.getLogger("dev.visage");
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level visageLevel = visage.getLevel();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    visage.setLevel(Level.DEBUG);
    Path data = dir.resolve("data");
    byte[] photo = SharedData.bytes("obama/obama.jpg");
    byte[] probe = SharedData.bytes("obama/obama1.jpg");
    float[] kept;
    float[] deleted;
    try (TestServer server = TestServer.start(data)) {
      EnrollResponse enrolled = server.gallery().enroll(EnrollRequest.newBuilder().setDisplayName("Barack Obama")
          .addImages(Images.encoded(photo)).addImages(Images.encoded(SharedData.bytes("obama/obama2.jpg")))
          .addImages(Images.encoded(SharedData.bytes("obama/obama3.jpg")))
          .addImages(Images.encoded(SharedData.bytes("obama/obama1.jpg")))
          .addImages(Images.encoded(SharedData.bytes("_variants/obama-720p.jpg")))
          .addImages(Images.encoded(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3}))
          .build());
      // Six documents in one segment (the person and five faces): deleting one face leaves fewer
      // deletions than the 20 % at which Lucene's merge policy rewrites a segment by itself.
      assertEquals(5, enrolled.getEnrolledCount());
      String personId = enrolled.getPerson().getPersonId();
      server.recognition().identify(IdentifyRequest.newBuilder().setImage(Images.encoded(probe)).build());
      server.recognition().verify(VerifyRequest.newBuilder().setImage(Images.encoded(probe)).setPersonId(personId).build());

      Path gallery = data.resolve("gallery");
      String deletedFace = enrolled.getResults(0).getEnrolled().getFaceId();
      Map<String, float[]> vectors = storedVectors(gallery);
      deleted = vectors.get(deletedFace);
      kept = vectors.get(enrolled.getResults(1).getEnrolled().getFaceId());
      assertTrue(anyFileContains(gallery, littleEndian(deleted)), "the scan finds a stored vector");
      for (byte[] image : List.of(photo, probe)) {
        for (byte[] window : windows(image)) {
          assertFalse(anyFileContains(data, window), "a piece of a photo is in the data folder");
        }
      }

      // A deleted face leaves the search at once, but its vector stays in its segment's files
      // until a merge rewrites them; purging does that now.
      server.gallery().deleteFace(DeleteFaceRequest.newBuilder().setFaceId(deletedFace).build());
      assertTrue(anyFileContains(gallery, littleEndian(deleted)), "a deleted face's vector waits for a merge");
      assertEquals(1, server.gallery().purgeDeleted(PurgeDeletedRequest.getDefaultInstance()).getPurgedCount());
      assertFalse(anyFileContains(gallery, littleEndian(deleted)), "the deleted face's vector is still on disk");
      assertTrue(anyFileContains(gallery, littleEndian(kept)), "the other face's vector is kept");
      assertEquals(0, server.gallery().purgeDeleted(PurgeDeletedRequest.getDefaultInstance()).getPurgedCount());
    } finally {
      root.detachAppender(logs);
      visage.setLevel(visageLevel);
    }

    StringBuilder text = new StringBuilder();
    for (ILoggingEvent event : logs.list) {
      text.append(event.getFormattedMessage()).append('\n');
      if (event.getThrowableProxy() != null) {
        text.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
      }
    }
    String logText = text.toString();
    assertTrue(logs.list.stream().anyMatch(e -> e.getLevel() == Level.DEBUG), "debug logging was on");
    for (byte[] image : List.of(photo, probe)) {
      String base64 = Base64.getEncoder().encodeToString(image);
      for (int at = 0; at + 64 < base64.length(); at += base64.length() / 8) {
        assertFalse(logText.contains(base64.substring(at, at + 64)), "image bytes (base64) in the logs");
      }
    }
    int components = 0;
    for (float value : kept) {
      String written = Float.toString(value);
      if (written.length() > 6 && logText.contains(written)) {
        components++;
      }
    }
    assertEquals(0, components, "embedding components appear in the logs");
  }

  /** The face vectors in the index by face id, read as Lucene stored them. */
  private static Map<String, float[]> storedVectors(Path gallery) throws IOException {
    Map<String, float[]> vectors = new HashMap<>();
    try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(gallery))) {
      for (LeafReaderContext leaf : reader.leaves()) {
        FloatVectorValues values = leaf.reader().getFloatVectorValues("vector");
        for (int ord = 0; values != null && ord < values.size(); ord++) {
          String faceId = leaf.reader().storedFields().document(values.ordToDoc(ord)).get("face_id");
          vectors.put(faceId, values.vectorValue(ord).clone());
        }
      }
    }
    return vectors;
  }

  private static byte[] littleEndian(float[] vector) {
    ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(vector);
    return buffer.array();
  }

  /** 48-byte pieces from all over an image's compressed data. */
  private static List<byte[]> windows(byte[] image) {
    List<byte[]> pieces = new ArrayList<>();
    for (int at = 1024; at + 48 < image.length; at += Math.max(48, image.length / 16)) {
      byte[] piece = new byte[48];
      System.arraycopy(image, at, piece, 0, 48);
      pieces.add(piece);
    }
    return pieces;
  }

  private static boolean anyFileContains(Path folder, byte[] needle) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (indexOf(Files.readAllBytes(file), needle) >= 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
