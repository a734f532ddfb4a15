package dev.visage.server.vision;

/**
 * A face warped onto the standard 112x112 template: 8-bit BGR pixels, row by row.
 *
 * @param bgr {@value #SIZE} x {@value #SIZE} x 3 bytes
 */
public record AlignedFace(byte[] bgr) {

  public static final int SIZE = 112;
  public static final int BYTES = SIZE * SIZE * 3;

  public AlignedFace {
    if (bgr.length != BYTES) {
      throw new IllegalArgumentException("an aligned face has " + BYTES + " bytes, got " + bgr.length);
    }
  }
}
