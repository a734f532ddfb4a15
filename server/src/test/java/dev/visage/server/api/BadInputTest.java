package dev.visage.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.visage.api.v1.DeleteFaceRequest;
import dev.visage.api.v1.DeletePersonRequest;
import dev.visage.api.v1.DetectRequest;
import dev.visage.api.v1.DetectResponse;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.EnrollResponse;
import dev.visage.api.v1.GetPersonRequest;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.ListPersonsRequest;
import dev.visage.api.v1.PixelFormat;
import dev.visage.api.v1.RawImage;
import dev.visage.api.v1.RejectionReason;
import dev.visage.api.v1.RenamePersonRequest;
import dev.visage.api.v1.VerifyRequest;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.PngFiles;
import dev.visage.server.testing.SharedData;
import dev.visage.server.testing.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything a careless or hostile client could send, each answered with the right status and a
 * message that says what is wrong, while another client keeps being served throughout.
 */
class BadInputTest {

  /** Pixels per face in the crowd mosaic. */
  private static final int TILE = 64;

  private static final String UNKNOWN_ID = "3f2b8c1e-9d4a-4e7b-8a2c-5d6e7f809a1b";

  @TempDir Path data;

  private TestServer server;
  private Thread bystander;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger bystanderServed = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> bystanderFailures = new ConcurrentLinkedQueue<>();

  /** A well-behaved client identifying all along: it must never notice the others. */
  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(data, "--max-image-bytes=6291456", "--max-message-bytes=12582912");
    server.gallery().enroll(EnrollRequest.newBuilder().setDisplayName("Barack Obama")
        .addImages(Images.encoded("obama/obama.jpg")).build());
    bystander = Thread.ofPlatform().start(() -> {
      while (running.get()) {
        try {
          var answer = server.recognition().identify(IdentifyRequest.newBuilder()
              .setImage(Images.encoded("obama/obama1.jpg")).build());
          if (!answer.getFaces(0).getMatch().getDisplayName().equals("Barack Obama")) {
            bystanderFailures.add("named " + answer.getFaces(0).getMatch());
          }
          bystanderServed.incrementAndGet();
        } catch (RuntimeException e) {
          bystanderFailures.add(e.toString());
        }
      }
    });
  }

  @AfterEach
  void stop() throws Exception {
    running.set(false);
    bystander.join(TimeUnit.SECONDS.toMillis(60));
    server.close();
    assertTrue(bystanderFailures.isEmpty(), "the well-behaved client noticed: " + bystanderFailures);
    assertTrue(bystanderServed.get() > 0, "the well-behaved client was served");
  }

  private static StatusRuntimeException refused(Status.Code expected, String messagePart,
      org.junit.jupiter.api.function.Executable call) {
    StatusRuntimeException error = assertThrows(StatusRuntimeException.class, call);
    String message = error.getStatus().getDescription();
    assertEquals(expected, error.getStatus().getCode(), message);
    assertFalse(message == null || message.isBlank(), "every refusal says what is wrong");
    assertTrue(message.toLowerCase().contains(messagePart.toLowerCase()), "'" + messagePart + "' in: " + message);
    return error;
  }

  private DetectResponse detect(byte[] file) {
    return server.recognition().detect(DetectRequest.newBuilder().setImage(Images.encoded(file)).build());
  }

  private void refusedImage(Status.Code code, String messagePart, byte[] file) {
    refused(code, messagePart, () -> detect(file));
  }

  @Test
  void brokenAndHostileFilesAreRefused() throws Exception {
    byte[] jpeg = SharedData.bytes("obama/obama.jpg");
    byte[] png = SharedData.bytes("alex_lacamoire/alex-lacamoire.png");
    refusedImage(Status.Code.INVALID_ARGUMENT, "empty", new byte[0]);
    refusedImage(Status.Code.INVALID_ARGUMENT, "jpeg", "just some text, not a picture".getBytes());
    refusedImage(Status.Code.INVALID_ARGUMENT, "jpeg", new byte[4096]);
    refusedImage(Status.Code.INVALID_ARGUMENT, "truncated", Arrays.copyOf(jpeg, jpeg.length * 3 / 5));
    refusedImage(Status.Code.INVALID_ARGUMENT, "png", Arrays.copyOf(png, png.length / 2));
    byte[] jpegGarbage = Arrays.copyOf(jpeg, 4096);
    Arrays.fill(jpegGarbage, 2, jpegGarbage.length, (byte) 0x5A);
    refusedImage(Status.Code.INVALID_ARGUMENT, "image", jpegGarbage);
    byte[] pngCorrupt = png.clone();
    Arrays.fill(pngCorrupt, pngCorrupt.length / 2, pngCorrupt.length / 2 + 3000, (byte) 0); // inside the pixel data
    refusedImage(Status.Code.INVALID_ARGUMENT, "image", pngCorrupt);
    refusedImage(Status.Code.INVALID_ARGUMENT, "pixels", PngFiles.bomb(50_000, 50_000));
    // Over --max-image-bytes (6 MiB) but within the message limit: refused before decoding.
    byte[] padded = Arrays.copyOf(jpeg, 7 << 20);
    refusedImage(Status.Code.INVALID_ARGUMENT, "bytes", padded);
    // Over --max-message-bytes (12 MiB): gRPC refuses the message itself.
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, assertThrows(StatusRuntimeException.class,
        () -> detect(new byte[13 << 20])).getStatus().getCode());
  }

  @Test
  void unusualButValidImagesAreAccepted() throws Exception {
    Mat photo = opencv_imgcodecs.imread(SharedData.photo("obama/obama.jpg").toString());
    Mat deep = new Mat();
    photo.convertTo(deep, opencv_core.CV_16UC3, 257, 0);
    assertEquals(1, detect(encode(".png", deep)).getFacesCount(), "a 16-bit PNG");
    assertEquals(1, detect(cmykJpeg(SharedData.bytes("obama/obama.jpg"))).getFacesCount(), "a CMYK JPEG");
    Mat grey = new Mat();
    opencv_imgproc.cvtColor(photo, grey, opencv_imgproc.COLOR_BGR2GRAY);
    assertEquals(1, detect(encode(".png", grey)).getFacesCount(), "a greyscale PNG");
  }

  @Test
  void thousandsOfFacesAreCappedAndCounted() throws Exception {
    byte[] crowd = encode(".jpg", mosaic(2500));
    // Detection at the mosaic's full size, so every one of its 2,500 faces is big enough to find.
    try (TestServer large = TestServer.start(data.resolve("large"), "--detection-size=3200")) {
      DetectResponse detected = large.recognition().detect(DetectRequest.newBuilder().setImage(Images.encoded(crowd)).build());
      assertEquals(200, detected.getFacesCount(), "at most --max-faces-per-image faces are reported");
      assertTrue(detected.getFacesCount() + detected.getOmittedFaceCount() > 2000,
          "and the others are counted: " + detected.getOmittedFaceCount() + " omitted");
      var identified = large.recognition().identify(IdentifyRequest.newBuilder().setImage(Images.encoded(crowd)).build());
      assertEquals(200, identified.getFacesCount());
      assertTrue(identified.getOmittedFaceCount() > 1800);
    }
  }

  @Test
  void rawFramesThatDoNotAddUpAreRefused() {
    refused(Status.Code.INVALID_ARGUMENT, "bytes", () -> server.recognition().detect(DetectRequest.newBuilder()
        .setImage(raw(640, 480, PixelFormat.PIXEL_FORMAT_BGR24, 0, new byte[1000])).build()));
    refused(Status.Code.INVALID_ARGUMENT, "format", () -> server.recognition().detect(DetectRequest.newBuilder()
        .setImage(raw(2, 2, PixelFormat.PIXEL_FORMAT_UNSPECIFIED, 0, new byte[12])).build()));
    refused(Status.Code.INVALID_ARGUMENT, "4294967295", () -> server.recognition().detect(DetectRequest.newBuilder()
        .setImage(raw(-1, 480, PixelFormat.PIXEL_FORMAT_GRAY8, 0, new byte[16])).build()));
    refused(Status.Code.INVALID_ARGUMENT, "pixels", () -> server.recognition().detect(DetectRequest.newBuilder()
        .setImage(raw(100_000, 100_000, PixelFormat.PIXEL_FORMAT_GRAY8, 0, new byte[16])).build()));
    refused(Status.Code.INVALID_ARGUMENT, "stride", () -> server.recognition().detect(DetectRequest.newBuilder()
        .setImage(raw(64, 64, PixelFormat.PIXEL_FORMAT_BGR24, 10, new byte[64 * 64 * 3])).build()));
    refused(Status.Code.INVALID_ARGUMENT, "empty", () -> server.recognition().detect(DetectRequest.newBuilder()
        .setImage(Image.getDefaultInstance()).build()));
  }

  @Test
  void badNamesIdsAndRangesAreRefused() {
    EnrollRequest.Builder photo = EnrollRequest.newBuilder().addImages(Images.encoded("brad_pitt/brad.jpg"));
    for (String name : List.of("", "   ", "tab\tname", "bell\u0007", "new\nline", "x".repeat(201), "y".repeat(100_000))) {
      refused(Status.Code.INVALID_ARGUMENT, "display_name", () -> server.gallery().enroll(photo.clone().setDisplayName(name).build()));
    }
    EnrollResponse unicode = server.gallery().enroll(photo.clone().setDisplayName("Zoë Saldaña 李小龙 👋").build());
    assertEquals("Zoë Saldaña 李小龙 👋", unicode.getPerson().getDisplayName(), "any printable name is fine");
    String id = unicode.getPerson().getPersonId();
    refused(Status.Code.INVALID_ARGUMENT, "display_name", () -> server.gallery().renamePerson(
        RenamePersonRequest.newBuilder().setPersonId(id).setDisplayName("\u0000").build()));

    for (String malformed : List.of("", "x", "'; DROP TABLE persons; --", "../../etc/passwd", UNKNOWN_ID + "0")) {
      refused(Status.Code.INVALID_ARGUMENT, "person_id", () -> server.gallery().getPerson(
          GetPersonRequest.newBuilder().setPersonId(malformed).build()));
      refused(Status.Code.INVALID_ARGUMENT, "face_id", () -> server.gallery().deleteFace(
          DeleteFaceRequest.newBuilder().setFaceId(malformed).build()));
    }
    refused(Status.Code.NOT_FOUND, "person", () -> server.gallery().getPerson(GetPersonRequest.newBuilder().setPersonId(UNKNOWN_ID).build()));
    refused(Status.Code.NOT_FOUND, "person", () -> server.gallery().renamePerson(
        RenamePersonRequest.newBuilder().setPersonId(UNKNOWN_ID).setDisplayName("Nobody").build()));
    refused(Status.Code.NOT_FOUND, "person", () -> server.gallery().deletePerson(DeletePersonRequest.newBuilder().setPersonId(UNKNOWN_ID).build()));
    refused(Status.Code.NOT_FOUND, "face", () -> server.gallery().deleteFace(DeleteFaceRequest.newBuilder().setFaceId(UNKNOWN_ID).build()));
    refused(Status.Code.NOT_FOUND, "person", () -> server.gallery().enroll(EnrollRequest.newBuilder()
        .setPersonId(UNKNOWN_ID).addImages(Images.encoded("obama/obama.jpg")).build()));
    refused(Status.Code.NOT_FOUND, "person", () -> server.recognition().verify(VerifyRequest.newBuilder()
        .setImage(Images.encoded("obama/obama.jpg")).setPersonId(UNKNOWN_ID).build()));

    Image obama = Images.encoded("obama/obama2.jpg");
    for (float threshold : new float[] {-1.5f, 1.01f, Float.NaN, Float.POSITIVE_INFINITY}) {
      refused(Status.Code.INVALID_ARGUMENT, "threshold", () -> server.recognition().identify(IdentifyRequest.newBuilder()
          .setImage(obama).setThreshold(threshold).build()));
    }
    refused(Status.Code.INVALID_ARGUMENT, "max_candidates", () -> server.recognition().identify(IdentifyRequest.newBuilder()
        .setImage(obama).setMaxCandidates(101).build()));
    refused(Status.Code.INVALID_ARGUMENT, "min_detection_score", () -> server.recognition().detect(DetectRequest.newBuilder()
        .setImage(obama).setMinDetectionScore(-0.1f).build()));
    refused(Status.Code.INVALID_ARGUMENT, "page_size", () -> server.gallery().listPersons(ListPersonsRequest.newBuilder().setPageSize(1001).build()));
    refused(Status.Code.INVALID_ARGUMENT, "page_token", () -> server.gallery().listPersons(ListPersonsRequest.newBuilder().setPageToken("garbage").build()));
    EnrollRequest.Builder tooMany = EnrollRequest.newBuilder().setDisplayName("Too many");
    for (int i = 0; i < 33; i++) {
      tooMany.addImages(Images.encoded("x".getBytes()));
    }
    refused(Status.Code.INVALID_ARGUMENT, "32", () -> server.gallery().enroll(tooMany.build()));

    // A bad photo among good ones is rejected on its own; the call succeeds.
    EnrollResponse mixed = server.gallery().enroll(EnrollRequest.newBuilder().setPersonId(id)
        .addImages(Images.encoded("brad_pitt/brad_1.jpg")).addImages(Images.encoded(new byte[] {1, 2, 3}))
        .addImages(Images.encoded("_noface/rocket.jpg")).build());
    assertEquals(1, mixed.getEnrolledCount());
    assertEquals(RejectionReason.REJECTION_REASON_INVALID_IMAGE, mixed.getResults(1).getRejection().getReason());
    assertEquals(RejectionReason.REJECTION_REASON_NO_FACE, mixed.getResults(2).getRejection().getReason());
  }

  private static Image raw(int width, int height, PixelFormat format, int stride, byte[] pixels) {
    return Image.newBuilder().setRaw(RawImage.newBuilder().setWidth(width).setHeight(height).setFormat(format)
        .setRowStride(stride).setPixels(ByteString.copyFrom(pixels))).build();
  }

  private static byte[] encode(String extension, Mat image) {
    try (BytePointer buffer = new BytePointer()) {
      assertTrue(opencv_imgcodecs.imencode(extension, image, buffer));
      byte[] bytes = new byte[(int) buffer.limit()];
      buffer.get(bytes);
      return bytes;
    }
  }

  /** {@code count} copies of one face, small, in a square grid: a crowd no camera sees. */
  private Mat mosaic(int count) {
    Mat photo = opencv_imgcodecs.imread(SharedData.photo("obama/obama.jpg").toString());
    var box = detect(SharedData.bytes("obama/obama.jpg")).getFaces(0).getBox();
    int side = Math.round(Math.max(box.getWidth(), box.getHeight()) * 1.4f);
    int x = Math.max(0, Math.min(photo.cols() - side, Math.round(box.getX() + box.getWidth() / 2 - side / 2f)));
    int y = Math.max(0, Math.min(photo.rows() - side, Math.round(box.getY() + box.getHeight() / 2 - side / 2f)));
    Mat face = new Mat();
    opencv_imgproc.resize(new Mat(photo, new Rect(x, y, side, side)), face, new Size(TILE, TILE), 0, 0, opencv_imgproc.INTER_AREA);
    int perRow = (int) Math.ceil(Math.sqrt(count));
    Mat grid = new Mat(perRow * TILE, perRow * TILE, opencv_core.CV_8UC3);
    for (int i = 0; i < perRow * perRow; i++) {
      face.copyTo(new Mat(grid, new Rect((i % perRow) * TILE, (i / perRow) * TILE, TILE, TILE)));
    }
    return grid;
  }

  /** The photo as a four-channel CMYK JPEG (as print workflows make them). */
  private static byte[] cmykJpeg(byte[] jpeg) throws Exception {
    BufferedImage rgb = ImageIO.read(new ByteArrayInputStream(jpeg));
    WritableRaster cmyk = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE,
        rgb.getWidth(), rgb.getHeight(), 4, null);
    int[] pixel = new int[4];
    for (int y = 0; y < rgb.getHeight(); y++) {
      for (int x = 0; x < rgb.getWidth(); x++) {
        int argb = rgb.getRGB(x, y);
        int r = (argb >> 16) & 0xFF;
        int g = (argb >> 8) & 0xFF;
        int b = argb & 0xFF;
        int k = 255 - Math.max(r, Math.max(g, b));
        // Stored inverted, as Adobe's CMYK JPEGs are (and as decoders expect).
        pixel[0] = r + k;
        pixel[1] = g + k;
        pixel[2] = b + k;
        pixel[3] = 255 - k;
        cmyk.setPixel(x, y, pixel);
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(cmyk, null, null), writer.getDefaultWriteParam());
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
