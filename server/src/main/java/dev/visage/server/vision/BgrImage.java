package dev.visage.server.vision;

import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A decoded image: 8-bit BGR pixels in native memory, upright (EXIF orientation applied). Owns its
 * pixels: close it to free them at once rather than at the next garbage collection.
 */
public final class BgrImage implements AutoCloseable {

  private final Mat mat;

  /** Takes ownership of an 8-bit, 3-channel BGR matrix. */
  public BgrImage(Mat mat) {
    if (mat.type() != opencv_core.CV_8UC3) {
      throw new IllegalArgumentException("BgrImage needs an 8-bit 3-channel matrix, got type " + mat.type());
    }
    this.mat = mat;
  }

  public int width() {
    return mat.cols();
  }

  public int height() {
    return mat.rows();
  }

  /** The pixels, for OpenCV calls. Valid until {@link #close()}. */
  public Mat mat() {
    return mat;
  }

  @Override
  public void close() {
    mat.close();
  }
}
