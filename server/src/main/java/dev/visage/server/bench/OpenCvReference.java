package dev.visage.server.bench;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_dnn.DNN_LAYOUT_NCHW;
import static org.bytedeco.opencv.global.opencv_dnn.DNN_PMODE_NULL;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImageWithParams;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromONNX;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.visage.server.models.ModelSpec;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Image2BlobParams;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.bytedeco.opencv.opencv_objdetect.FaceDetectorYN;
import org.bytedeco.opencv.opencv_objdetect.FaceRecognizerSF;

/**
 * The reference pipeline: the same models run the way OpenCV users run them. FaceDetectorYN with
 * the fixed-size YuNet file (OpenCV cannot read the dynamic one), FaceRecognizerSF.alignCrop, and
 * MobileFaceNet in the DNN module, one face at a time. The image is decoded and scaled exactly as
 * Visage does, so both sides do the same work. Not thread-safe: one per thread.
 */
public final class OpenCvReference implements AutoCloseable {

  private final FaceDetectorYN detector;
  private final FaceRecognizerSF aligner;
  private final Net embedder;
  private final Image2BlobParams blob;
  private final int maxSide;

  /**
   * @param detectorFile the fixed-size YuNet file
   * @param embedderFile MobileFaceNet
   * @param embedderSpec its input specification (mean, std, colour order)
   */
  public OpenCvReference(Path detectorFile, Path embedderFile, ModelSpec embedderSpec, float scoreThreshold, int maxSide) {
    this.detector = FaceDetectorYN.create(detectorFile.toString(), "", new Size(320, 320), scoreThreshold, 0.3f, 5000, 0, 0);
    this.aligner = FaceRecognizerSF.create(embedderFile.toString(), "");
    this.embedder = readNetFromONNX(embedderFile.toString());
    List<Float> mean = embedderSpec.input().mean();
    List<Float> std = embedderSpec.input().std();
    float scale = embedderSpec.input().scale();
    this.blob = new Image2BlobParams(
        new Scalar(scale / std.get(0), scale / std.get(1), scale / std.get(2), 0),
        new Size(112, 112),
        new Scalar(mean.get(0) / scale, mean.get(1) / scale, mean.get(2) / scale, 0),
        false, CV_32F, DNN_LAYOUT_NCHW, DNN_PMODE_NULL, new Scalar(0.0));
    this.maxSide = maxSide;
  }

  /** Decodes, detects, aligns and embeds every face of an image; returns the number of faces. */
  public int process(byte[] encoded) {
    try (BytePointer data = new BytePointer(encoded);
        Mat bytes = new Mat(1, encoded.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, data);
        Mat image = imdecode(bytes, IMREAD_COLOR);
        Mat working = new Mat();
        Mat faces = new Mat()) {
      float scale = Math.min(1f, maxSide / (float) Math.max(image.cols(), image.rows()));
      if (scale < 1f) {
        resize(image, working, new Size(Math.round(image.cols() * scale), Math.round(image.rows() * scale)), 0, 0, INTER_AREA);
      } else {
        image.copyTo(working);
      }
      detector.setInputSize(new Size(working.cols(), working.rows()));
      detector.detect(working, faces);
      FloatIndexer rows = faces.rows() > 0 ? faces.createIndexer() : null;
      for (int r = 0; r < faces.rows(); r++) {
        try (Mat row = new Mat(1, 15, CV_32F); Mat aligned = new Mat(); Mat rgb = new Mat()) {
          FloatIndexer values = row.createIndexer();
          for (int c = 0; c < 14; c++) {
            values.put(0, c, rows.get(r, c) / scale); // back to the original image, as Visage aligns there
          }
          values.put(0, 14, rows.get(r, 14));
          aligner.alignCrop(image, row, aligned);
          cvtColor(aligned, rgb, COLOR_BGR2RGB);
          try (Mat input = blobFromImageWithParams(rgb, blob)) {
            embedder.setInput(input);
            embedder.forward().close();
          }
        }
      }
      return faces.rows();
    }
  }

  @Override
  public void close() {
    detector.close();
    aligner.close();
    embedder.close();
  }
}
