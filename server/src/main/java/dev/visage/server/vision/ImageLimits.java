package dev.visage.server.vision;

/**
 * What the server agrees to decode, checked before any pixel is decoded: a file's byte size and an
 * image's pixel count (which stops decompression bombs: small files that declare huge images).
 */
public record ImageLimits(long maxEncodedBytes, long maxPixels) {

  public static final ImageLimits DEFAULT = new ImageLimits(16L << 20, 40_000_000L);

  public ImageLimits {
    if (maxEncodedBytes <= 0 || maxPixels <= 0) {
      throw new IllegalArgumentException("image limits must be positive");
    }
  }
}
