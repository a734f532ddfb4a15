package dev.visage.console.ui;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** Decoding photos for display (any format the server takes, EXIF orientation applied) and thumbnails. */
final class Pictures {

  private Pictures() {}

  /** The image in the bytes, or null when they are not a picture. */
  static BufferedImage decode(byte[] bytes) {
    try (BytePointer data = new BytePointer(bytes); Mat encoded = new Mat(1, bytes.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, data);
        Mat bgr = imdecode(encoded, IMREAD_COLOR)) {
      if (bgr == null || bgr.empty()) {
        return null;
      }
      Mat continuous = bgr.isContinuous() ? bgr : bgr.clone();
      BufferedImage image = new BufferedImage(continuous.cols(), continuous.rows(), BufferedImage.TYPE_3BYTE_BGR);
      continuous.data().get(((DataBufferByte) image.getRaster().getDataBuffer()).getData());
      if (continuous != bgr) {
        continuous.close();
      }
      return image;
    }
  }

  static BufferedImage thumbnail(BufferedImage image, int size) {
    double scale = Math.min(size / (double) image.getWidth(), size / (double) image.getHeight());
    int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
    int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
    BufferedImage small = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = small.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, width, height, null);
    g.dispose();
    return small;
  }
}
