package dev.visage.server.vision;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import com.drew.imaging.FileType;
import com.drew.imaging.FileTypeDetector;
import com.drew.imaging.bmp.BmpMetadataReader;
import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.imaging.png.PngHeader;
import com.drew.imaging.png.PngProcessingException;
import com.drew.imaging.webp.WebpMetadataReader;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.bmp.BmpHeaderDirectory;
import com.drew.metadata.jpeg.JpegDirectory;
import com.drew.metadata.jpeg.JpegReader;
import com.drew.metadata.webp.WebpDirectory;
import dev.visage.server.vision.ImageRejectedException.Reason;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns encoded files and raw pixels into upright 8-bit BGR images, refusing what is too large
 * before a single pixel is decoded.
 *
 * <p>Encoded files: the format is recognised from its first bytes and the declared size is read
 * from the header (JPEG SOF, PNG IHDR, BMP header, WebP VP8/VP8L/VP8X) before OpenCV decodes it.
 * OpenCV applies the EXIF orientation, reduces 16-bit samples to 8 bits, expands grey to BGR and
 * drops alpha.
 */
public final class ImageDecoder {

  /** "IHDR" as a big-endian int. */
  private static final int IHDR = 0x49484452;

  private final ImageLimits limits;

  public ImageDecoder(ImageLimits limits) {
    this.limits = limits;
  }

  public BgrImage decode(ImageInput input) throws ImageRejectedException {
    return switch (input) {
      case ImageInput.Encoded encoded -> decodeEncoded(encoded.bytes());
      case ImageInput.Raw raw -> decodeRaw(raw);
    };
  }

  private BgrImage decodeEncoded(ByteBuffer bytes) throws ImageRejectedException {
    int size = bytes.remaining();
    if (size == 0) {
      throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, "the image is empty (0 bytes)");
    }
    if (size > limits.maxEncodedBytes()) {
      throw new ImageRejectedException(Reason.TOO_LARGE, String.format(
          "the image file is %,d bytes; the limit is %,d: send a smaller or more compressed image",
          size, limits.maxEncodedBytes()));
    }
    FileType type = detectType(bytes);
    long[] declared = declaredSize(type, bytes);
    checkPixelCount(declared[0], declared[1]);
    if (type == FileType.Jpeg && !endsWithJpegEndMarker(bytes)) {
      // libjpeg would decode the part that is there and fill the rest with grey, silently.
      throw new ImageRejectedException(Reason.CORRUPT,
          "the JPEG image is truncated (it has no end-of-image marker); send the whole file");
    }

    Mat decoded;
    try (BytePointer data = new BytePointer(size);
        Mat encoded = new Mat(1, size, org.bytedeco.opencv.global.opencv_core.CV_8UC1, data)) {
      data.asByteBuffer().put(bytes.duplicate());
      decoded = imdecode(encoded, IMREAD_COLOR);
    } catch (RuntimeException e) {
      // OpenCV reports codec failures as exceptions carrying its error text.
      throw new ImageRejectedException(Reason.CORRUPT, "the " + type.getName()
          + " image could not be decoded (" + firstLine(e.getMessage()) + ")");
    }
    if (decoded == null || decoded.empty()) {
      if (decoded != null) {
        decoded.close();
      }
      throw new ImageRejectedException(Reason.CORRUPT, "the " + type.getName()
          + " image could not be decoded: the file is truncated or corrupt");
    }
    return new BgrImage(decoded);
  }

  private static FileType detectType(ByteBuffer bytes) throws ImageRejectedException {
    FileType type;
    try {
      type = FileTypeDetector.detectFileType(new BufferedInputStream(new ByteBufferInputStream(bytes)));
    } catch (IOException e) {
      type = FileType.Unknown;
    }
    if (type == FileType.Jpeg || type == FileType.Png || type == FileType.Bmp || type == FileType.WebP) {
      return type;
    }
    String detected = type == FileType.Unknown ? "not an image format the server knows" : type.getName();
    throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT,
        "the image is " + detected + " (first bytes: " + hexPrefix(bytes)
            + "); send JPEG, PNG, BMP or WebP");
  }

  /** Width and height as the file's header declares them. */
  private static long[] declaredSize(FileType type, ByteBuffer bytes) throws ImageRejectedException {
    if (type == FileType.Png) {
      return pngSize(bytes);
    }
    try (InputStream in = new ByteBufferInputStream(bytes)) {
      Metadata metadata;
      Class<? extends Directory> directory;
      int widthTag;
      int heightTag;
      switch (type) {
        case Jpeg -> {
          // Only the frame header (SOF) is parsed; EXIF, ICC and XMP segments are skipped.
          metadata = JpegMetadataReader.readMetadata(in, List.of(new JpegReader()));
          directory = JpegDirectory.class;
          widthTag = JpegDirectory.TAG_IMAGE_WIDTH;
          heightTag = JpegDirectory.TAG_IMAGE_HEIGHT;
        }
        case Bmp -> {
          metadata = BmpMetadataReader.readMetadata(in);
          directory = BmpHeaderDirectory.class;
          widthTag = BmpHeaderDirectory.TAG_IMAGE_WIDTH;
          heightTag = BmpHeaderDirectory.TAG_IMAGE_HEIGHT;
        }
        default -> {
          metadata = WebpMetadataReader.readMetadata(in);
          directory = WebpDirectory.class;
          widthTag = WebpDirectory.TAG_IMAGE_WIDTH;
          heightTag = WebpDirectory.TAG_IMAGE_HEIGHT;
        }
      }
      Directory header = metadata.getFirstDirectoryOfType(directory);
      if (header != null && header.containsTag(widthTag) && header.containsTag(heightTag)) {
        // BMP stores a negative height for top-down images.
        long width = Math.abs(header.getLong(widthTag));
        long height = Math.abs(header.getLong(heightTag));
        if (width > 0 && height > 0) {
          return new long[] {width, height};
        }
      }
    } catch (Exception e) {
      // Any parser complaint means the header is broken; reported below.
    }
    throw new ImageRejectedException(Reason.CORRUPT, "the " + type.getName()
        + " image's header is truncated or corrupt: its width and height cannot be read");
  }

  /**
   * A PNG's size from its IHDR chunk, which the format requires to come first, right after the
   * 8-byte signature: 4 bytes of length (13), "IHDR", then its 13 bytes. Reading only that is
   * enough; the full metadata reader walks (and inflates) every chunk, which took as long as
   * decoding the pixels.
   */
  private static long[] pngSize(ByteBuffer file) throws ImageRejectedException {
    ByteBuffer bytes = file.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
    int at = bytes.position();
    if (bytes.remaining() >= 8 + 8 + 13 && bytes.getInt(at + 8) == 13 && bytes.getInt(at + 12) == IHDR) {
      byte[] ihdr = new byte[13];
      bytes.get(at + 16, ihdr);
      try {
        PngHeader header = new PngHeader(ihdr);
        long width = Integer.toUnsignedLong(header.getImageWidth()); // unsigned 32-bit in PNG
        long height = Integer.toUnsignedLong(header.getImageHeight());
        if (width > 0 && height > 0) {
          return new long[] {width, height};
        }
      } catch (PngProcessingException e) {
        // Reported below.
      }
    }
    throw new ImageRejectedException(Reason.CORRUPT,
        "the PNG image's header is truncated or corrupt: its width and height cannot be read");
  }

  private BgrImage decodeRaw(ImageInput.Raw raw) throws ImageRejectedException {
    PixelFormat format = raw.format();
    if (format == null) {
      throw new ImageRejectedException(Reason.BAD_RAW_LAYOUT,
          "the raw image has no pixel format; set one of BGR24, RGB24, GRAY8, BGRA32, RGBA32");
    }
    if (raw.width() <= 0 || raw.height() <= 0) {
      throw new ImageRejectedException(Reason.BAD_RAW_LAYOUT,
          "the raw image is " + raw.width() + "x" + raw.height() + "; width and height must be at least 1");
    }
    checkPixelCount(raw.width(), raw.height());
    long rowBytes = (long) raw.width() * format.bytesPerPixel();
    long stride = raw.rowStride() == 0 ? rowBytes : raw.rowStride();
    if (stride < rowBytes) {
      throw new ImageRejectedException(Reason.BAD_RAW_LAYOUT, String.format(
          "row_stride %d is shorter than one row of %d %s pixels (%d bytes)",
          stride, raw.width(), format, rowBytes));
    }
    long full = stride * raw.height();
    long minimal = stride * (raw.height() - 1) + rowBytes;
    long actual = raw.pixels().remaining();
    if (actual != full && actual != minimal) {
      throw new ImageRejectedException(Reason.BAD_RAW_LAYOUT, String.format(
          "a %dx%d %s image with rows of %d bytes needs %,d bytes of pixels; got %,d",
          raw.width(), raw.height(), format, stride, full, actual));
    }

    try (BytePointer data = new BytePointer(actual);
        Mat source = new Mat(raw.height(), raw.width(), format.matType(), data, stride)) {
      data.asByteBuffer().put(raw.pixels().duplicate());
      Mat bgr = new Mat();
      if (format.conversionToBgr() < 0) {
        source.copyTo(bgr);
      } else {
        cvtColor(source, bgr, format.conversionToBgr());
      }
      return new BgrImage(bgr);
    }
  }

  /**
   * Whether an end-of-image marker (FF D9) closes the JPEG's data. Inside compressed data an FF
   * byte is always followed by 00 or a restart marker, so FF D9 near the end means the file is
   * complete; some cameras append trailers, hence the search window rather than the last 2 bytes.
   */
  private static boolean endsWithJpegEndMarker(ByteBuffer bytes) {
    int start = bytes.position();
    int end = bytes.limit();
    int stop = Math.max(start, end - (1 << 20));
    for (int i = end - 2; i >= stop; i--) {
      if (bytes.get(i) == (byte) 0xFF && bytes.get(i + 1) == (byte) 0xD9) {
        return true;
      }
    }
    return false;
  }

  private void checkPixelCount(long width, long height) throws ImageRejectedException {
    if (width * height > limits.maxPixels()) {
      throw new ImageRejectedException(Reason.TOO_LARGE, String.format(
          "the image is %,dx%,d = %,d pixels; the limit is %,d: scale it down before sending",
          width, height, width * height, limits.maxPixels()));
    }
  }

  private static String hexPrefix(ByteBuffer bytes) {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(8, bytes.remaining()); i++) {
      if (i > 0) {
        hex.append(' ');
      }
      hex.append(String.format("%02x", bytes.get(bytes.position() + i)));
    }
    return hex.toString();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    String trimmed = message.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline);
  }

  /** Reads a buffer's remaining bytes without moving its position. */
  private static final class ByteBufferInputStream extends InputStream {
    private final ByteBuffer buffer;

    ByteBufferInputStream(ByteBuffer source) {
      this.buffer = source.duplicate();
    }

    @Override
    public int read() {
      return buffer.hasRemaining() ? buffer.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
      if (!buffer.hasRemaining()) {
        return -1;
      }
      int n = Math.min(length, buffer.remaining());
      buffer.get(target, offset, n);
      return n;
    }

    @Override
    public long skip(long n) {
      int skipped = (int) Math.max(0, Math.min(n, buffer.remaining()));
      buffer.position(buffer.position() + skipped);
      return skipped;
    }

    @Override
    public int available() {
      return buffer.remaining();
    }
  }
}
