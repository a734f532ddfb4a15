package dev.visage.server.vision;

import java.nio.ByteBuffer;

/** An image as it arrives: an encoded file, or raw pixels. The buffers are read, never kept. */
public sealed interface ImageInput {

  /** The bytes of a JPEG, PNG, BMP or WebP file. */
  record Encoded(ByteBuffer bytes) implements ImageInput {
    public static Encoded of(byte[] bytes) {
      return new Encoded(ByteBuffer.wrap(bytes));
    }
  }

  /**
   * Uncompressed pixels, rows top to bottom.
   *
   * @param rowStride bytes from one row's start to the next's; 0 means tightly packed
   */
  record Raw(int width, int height, PixelFormat format, int rowStride, ByteBuffer pixels)
      implements ImageInput {}
}
