package dev.visage.server.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class FaceAlignerTest {

  @Test
  void landmarksLandOnTheTemplate() {
    // Five white dots on black where a tilted, scaled face's landmarks would be.
    double angle = Math.toRadians(-25);
    double scale = 2.6;
    float[] points = new float[10];
    try (Mat canvas = new Mat(600, 600, CV_8UC3, new Scalar(0.0))) {
      for (int p = 0; p < 5; p++) {
        double x = FaceAligner.TEMPLATE[2 * p] - 56;
        double y = FaceAligner.TEMPLATE[2 * p + 1] - 72;
        points[2 * p] = (float) (300 + scale * (Math.cos(angle) * x - Math.sin(angle) * y));
        points[2 * p + 1] = (float) (280 + scale * (Math.sin(angle) * x + Math.cos(angle) * y));
        circle(canvas, new Point(Math.round(points[2 * p]), Math.round(points[2 * p + 1])), 5,
            new Scalar(255.0, 255.0, 255.0, 0.0), FILLED, 8, 0);
      }
      AlignedFace aligned = new FaceAligner().align(new BgrImage(canvas.clone()), new Landmarks(points));
      for (int p = 0; p < 5; p++) {
        int x = Math.round(FaceAligner.TEMPLATE[2 * p]);
        int y = Math.round(FaceAligner.TEMPLATE[2 * p + 1]);
        int value = aligned.bgr()[(y * AlignedFace.SIZE + x) * 3] & 0xff;
        assertTrue(value > 200, "landmark " + p + " is white in the aligned face, got " + value);
      }
      int corner = aligned.bgr()[0] & 0xff;
      assertEquals(0, corner, "away from the landmarks the face stays black");
    }
  }
}
