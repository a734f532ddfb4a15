package dev.visage.server.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC3;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.rotate;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.testing.Pixels;
import dev.visage.server.testing.PngFiles;
import dev.visage.server.testing.SharedData;
import dev.visage.server.vision.ImageRejectedException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.imaging.formats.jpeg.exif.ExifRewriter;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

  private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);

  private BgrImage decode(byte[] bytes) throws ImageRejectedException {
    return decoder.decode(ImageInput.Encoded.of(bytes));
  }

  private Reason rejection(ImageInput input) {
    return assertThrows(ImageRejectedException.class, () -> decoder.decode(input).close()).reason();
  }

  @Test
  void decodesJpegWebpAndRgbaPngToUprightBgr() throws Exception {
    try (BgrImage jpeg = decode(SharedData.bytes("obama/obama.jpg"));
        BgrImage webp = decode(SharedData.bytes("insightface_RD/d1.jpeg")); // a WebP file despite its name
        BgrImage rgba = decode(SharedData.bytes("_variants/32bit.png"))) {
      assertEquals(910, jpeg.width());
      assertEquals(1137, jpeg.height());
      assertEquals(1000, webp.width());
      assertEquals(1300, webp.height());
      assertEquals(626, rgba.width());
      assertEquals(1200, rgba.height());
      assertEquals(3, rgba.mat().channels());
    }
  }

  @Test
  void greyPngBecomesThreeEqualChannels() throws Exception {
    try (BgrImage grey = decode(SharedData.bytes("_noface/brick.png"))) {
      assertEquals(512, grey.width());
      byte[] pixels = Pixels.bytes(grey.mat());
      for (int i = 0; i < pixels.length; i += 3 * 997) {
        assertEquals(pixels[i], pixels[i + 1]);
        assertEquals(pixels[i], pixels[i + 2]);
      }
    }
  }

  @Test
  void sixteenBitPngKeepsTheImage() throws Exception {
    try (BgrImage original = decode(SharedData.bytes("obama/obama_small.jpg")); Mat deep = new Mat()) {
      original.mat().convertTo(deep, CV_16UC3, 257.0, 0.0);
      byte[] png16 = Pixels.encode(".png", deep);
      try (BgrImage decoded = decode(png16)) {
        assertEquals(original.width(), decoded.width());
        assertTrue(Pixels.meanAbsDifference(original.mat(), decoded.mat()) < 0.01,
            "16-bit samples are reduced to the same 8-bit values");
      }
    }
  }

  @Test
  void bmpRoundTripsExactly() throws Exception {
    try (BgrImage original = decode(SharedData.bytes("rob_lowe/Rob_Lowe_0001.jpg"));
        BgrImage bmp = decode(Pixels.encode(".bmp", original.mat()))) {
      assertEquals(0.0, Pixels.meanAbsDifference(original.mat(), bmp.mat()));
    }
  }

  @Test
  void exifOrientationIsApplied() throws Exception {
    try (BgrImage upright = decode(SharedData.bytes("obama/obama_small.jpg")); Mat stored = new Mat()) {
      // A camera held sideways stores the pixels rotated and says "rotate 90 degrees clockwise".
      rotate(upright.mat(), stored, ROTATE_90_COUNTERCLOCKWISE);
      byte[] sideways = Pixels.encode(".jpg", stored);
      TiffOutputSet exif = new TiffOutputSet();
      exif.getOrCreateRootDirectory().add(TiffTagConstants.TIFF_TAG_ORIENTATION,
          (short) TiffTagConstants.ORIENTATION_VALUE_ROTATE_90_CW);
      ByteArrayOutputStream tagged = new ByteArrayOutputStream();
      new ExifRewriter().updateExifMetadataLossless(sideways, tagged, exif);

      try (BgrImage decoded = decode(tagged.toByteArray())) {
        assertEquals(upright.width(), decoded.width(), "width after orientation");
        assertEquals(upright.height(), decoded.height(), "height after orientation");
        assertTrue(Pixels.meanAbsDifference(upright.mat(), decoded.mat()) < 3.0,
            "the decoded image is the upright one, up to JPEG re-compression");
      }
    }
  }

  @Test
  void rawPixelsInEveryFormatGiveTheSameImage() throws Exception {
    try (BgrImage reference = decode(SharedData.bytes("anthony_hopkins/Anthony_Hopkins_0001.jpg"));
        Mat rgb = new Mat();
        Mat grey = new Mat()) {
      int width = reference.width();
      int height = reference.height();
      byte[] bgr = Pixels.bytes(reference.mat());
      cvtColor(reference.mat(), rgb, COLOR_BGR2RGB);
      cvtColor(reference.mat(), grey, COLOR_BGR2GRAY);

      try (BgrImage fromBgr = decoder.decode(raw(width, height, PixelFormat.BGR24, 0, bgr));
          BgrImage fromRgb = decoder.decode(raw(width, height, PixelFormat.RGB24, 0, Pixels.bytes(rgb)));
          BgrImage fromGrey = decoder.decode(raw(width, height, PixelFormat.GRAY8, 0, Pixels.bytes(grey)))) {
        assertEquals(0.0, Pixels.meanAbsDifference(reference.mat(), fromBgr.mat()));
        assertEquals(0.0, Pixels.meanAbsDifference(reference.mat(), fromRgb.mat()));
        assertEquals(width, fromGrey.width());
      }

      // Rows padded to a 4-byte-aligned stride, as many camera buffers are.
      int stride = width * 3 + 7;
      byte[] padded = new byte[stride * height];
      for (int row = 0; row < height; row++) {
        System.arraycopy(bgr, row * width * 3, padded, row * stride, width * 3);
      }
      try (BgrImage strided = decoder.decode(raw(width, height, PixelFormat.BGR24, stride, padded))) {
        assertEquals(0.0, Pixels.meanAbsDifference(reference.mat(), strided.mat()));
      }

      byte[] bgra = new byte[width * height * 4];
      for (int i = 0; i < width * height; i++) {
        System.arraycopy(bgr, i * 3, bgra, i * 4, 3);
        bgra[i * 4 + 3] = (byte) 0x80;
      }
      try (BgrImage fromBgra = decoder.decode(raw(width, height, PixelFormat.BGRA32, 0, bgra))) {
        assertEquals(0.0, Pixels.meanAbsDifference(reference.mat(), fromBgra.mat()));
      }
    }
  }

  @Test
  void rawPixelsThatDoNotMatchTheirSizeAreRefused() {
    assertEquals(Reason.BAD_RAW_LAYOUT, rejection(raw(640, 480, PixelFormat.BGR24, 0, new byte[640 * 480 * 3 - 1])));
    assertEquals(Reason.BAD_RAW_LAYOUT, rejection(raw(640, 480, PixelFormat.BGR24, 0, new byte[640 * 480 * 3 + 5])));
    assertEquals(Reason.BAD_RAW_LAYOUT, rejection(raw(0, 480, PixelFormat.GRAY8, 0, new byte[0])));
    assertEquals(Reason.BAD_RAW_LAYOUT, rejection(raw(10, 10, PixelFormat.BGR24, 20, new byte[200])));
    assertEquals(Reason.TOO_LARGE, rejection(raw(100_000, 100_000, PixelFormat.GRAY8, 0, new byte[16])));
  }

  @Test
  void emptyAndNonImageBytesAreRefusedAsUnsupported() {
    assertEquals(Reason.UNSUPPORTED_FORMAT, rejection(ImageInput.Encoded.of(new byte[0])));
    ImageRejectedException text = assertThrows(ImageRejectedException.class,
        () -> decode("<html>not an image</html>".getBytes(StandardCharsets.UTF_8)));
    assertEquals(Reason.UNSUPPORTED_FORMAT, text.reason());
    assertTrue(text.getMessage().contains("JPEG, PNG, BMP or WebP"), text.getMessage());
  }

  @Test
  void truncatedAndCorruptFilesAreRefused() {
    byte[] jpeg = SharedData.bytes("obama/obama.jpg");
    assertEquals(Reason.CORRUPT, rejection(ImageInput.Encoded.of(Arrays.copyOf(jpeg, jpeg.length * 2 / 3))));
    assertEquals(Reason.CORRUPT, rejection(ImageInput.Encoded.of(Arrays.copyOf(jpeg, 40))));

    byte[] png = SharedData.bytes("_noface/coffee.png");
    assertEquals(Reason.CORRUPT, rejection(ImageInput.Encoded.of(Arrays.copyOf(png, png.length / 2))));
    byte[] scrambled = png.clone();
    for (int i = 200; i < scrambled.length; i += 7) {
      scrambled[i] ^= 0x5a;
    }
    assertEquals(Reason.CORRUPT, rejection(ImageInput.Encoded.of(scrambled)));
  }

  @Test
  void decompressionBombIsRefusedFromItsHeader() {
    byte[] bomb = PngFiles.bomb(50_000, 50_000);
    assertTrue(bomb.length < 1000, "the bomb is tiny on the wire: " + bomb.length + " bytes");
    ImageRejectedException refused = assertThrows(ImageRejectedException.class, () -> decode(bomb));
    assertEquals(Reason.TOO_LARGE, refused.reason());
    assertTrue(refused.getMessage().contains("50,000x50,000"), refused.getMessage());
  }

  @Test
  void filesOverTheByteLimitAreRefusedBeforeAnythingElse() {
    ImageDecoder strict = new ImageDecoder(new ImageLimits(1000, 40_000_000));
    ImageRejectedException refused = assertThrows(ImageRejectedException.class,
        () -> strict.decode(ImageInput.Encoded.of(SharedData.bytes("obama/obama.jpg"))));
    assertEquals(Reason.TOO_LARGE, refused.reason());
  }

  @Test
  void pixelLimitAppliesToEncodedFiles() {
    ImageDecoder small = new ImageDecoder(new ImageLimits(16 << 20, 100_000));
    assertEquals(Reason.TOO_LARGE, assertThrows(ImageRejectedException.class,
        () -> small.decode(ImageInput.Encoded.of(SharedData.bytes("obama/obama.jpg")))).reason());
  }

  private static ImageInput raw(int width, int height, PixelFormat format, int stride, byte[] pixels) {
    return new ImageInput.Raw(width, height, format, stride, ByteBuffer.wrap(pixels));
  }
}
