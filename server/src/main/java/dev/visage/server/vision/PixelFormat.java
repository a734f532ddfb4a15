package dev.visage.server.vision;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGBA2BGR;

import org.bytedeco.opencv.global.opencv_core;

/** Layouts of raw pixels the server accepts, and how each becomes BGR. */
public enum PixelFormat {
  BGR24(3, opencv_core.CV_8UC3, -1),
  RGB24(3, opencv_core.CV_8UC3, COLOR_RGB2BGR),
  GRAY8(1, opencv_core.CV_8UC1, COLOR_GRAY2BGR),
  BGRA32(4, opencv_core.CV_8UC4, COLOR_BGRA2BGR),
  RGBA32(4, opencv_core.CV_8UC4, COLOR_RGBA2BGR);

  private final int bytesPerPixel;
  private final int matType;
  private final int toBgr;

  PixelFormat(int bytesPerPixel, int matType, int toBgr) {
    this.bytesPerPixel = bytesPerPixel;
    this.matType = matType;
    this.toBgr = toBgr;
  }

  public int bytesPerPixel() {
    return bytesPerPixel;
  }

  int matType() {
    return matType;
  }

  /** The OpenCV colour conversion to BGR, or -1 when the pixels already are BGR. */
  int conversionToBgr() {
    return toBgr;
  }
}
