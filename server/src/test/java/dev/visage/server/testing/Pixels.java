package dev.visage.server.testing;

import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** OpenCV helpers for tests: encoding images to bytes and comparing pixels. */
public final class Pixels {

  private Pixels() {}

  /** Encodes a matrix with OpenCV ({@code ".png"}, {@code ".bmp"}, {@code ".jpg"}...). */
  public static byte[] encode(String extension, Mat image) {
    try (BytePointer buffer = new BytePointer()) {
      if (!imencode(extension, image, buffer)) {
        throw new IllegalStateException("OpenCV could not encode " + extension);
      }
      byte[] bytes = new byte[(int) buffer.limit()];
      buffer.get(bytes);
      return bytes;
    }
  }

  /** Decodes bytes with OpenCV as they are (no conversion), the way a reference would. */
  public static Mat decodeUnchanged(byte[] bytes) {
    try (Mat encoded = new Mat(new BytePointer(bytes))) {
      return imdecode(encoded, IMREAD_UNCHANGED);
    }
  }

  /** Mean absolute difference per channel value between two same-sized matrices. */
  public static double meanAbsDifference(Mat a, Mat b) {
    try (Mat difference = new Mat()) {
      absdiff(a, b, difference);
      Scalar perChannel = mean(difference);
      double sum = 0;
      for (int c = 0; c < a.channels(); c++) {
        sum += perChannel.get(c);
      }
      return sum / a.channels();
    }
  }

  /** The matrix's bytes, row by row (it must be continuous). */
  public static byte[] bytes(Mat mat) {
    byte[] bytes = new byte[(int) (mat.total() * mat.elemSize())];
    mat.data().get(bytes);
    return bytes;
  }
}
