package dev.visage.server.vision;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Warps a face onto the standard 112x112 template used by ArcFace-family embedders (MobileFaceNet
 * among them): a least-squares similarity transform from the five detected landmarks onto the
 * template's five points, then a bilinear warp. Pixels outside the image become black. This is
 * what OpenCV's {@code FaceRecognizerSF.alignCrop} does.
 */
public final class FaceAligner {

  /** Where the five landmarks sit in a 112x112 aligned face. */
  public static final float[] TEMPLATE = {
    38.2946f, 51.6963f,
    73.5318f, 51.5014f,
    56.0252f, 71.7366f,
    41.5493f, 92.3655f,
    70.7299f, 92.2041f,
  };

  private static final Size OUTPUT_SIZE = new Size(AlignedFace.SIZE, AlignedFace.SIZE);
  private static final Scalar BLACK = new Scalar(0.0);

  public SimilarityTransform transformFor(Landmarks landmarks) {
    return SimilarityTransform.fit(landmarks.toArray(), TEMPLATE);
  }

  public AlignedFace align(BgrImage image, Landmarks landmarks) {
    byte[] pixels = new byte[AlignedFace.BYTES];
    try (DoublePointer rows = new DoublePointer(transformFor(landmarks).toAffineRows());
        Mat matrix = new Mat(2, 3, CV_64F, rows);
        Mat aligned = new Mat()) {
      warpAffine(image.mat(), aligned, matrix, OUTPUT_SIZE, INTER_LINEAR, BORDER_CONSTANT, BLACK);
      aligned.data().get(pixels);
    }
    return new AlignedFace(pixels);
  }
}
