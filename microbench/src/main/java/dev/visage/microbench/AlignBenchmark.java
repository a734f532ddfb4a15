package dev.visage.microbench;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;

import dev.visage.server.vision.AlignedFace;
import dev.visage.server.vision.BgrImage;
import dev.visage.server.vision.FaceAligner;
import dev.visage.server.vision.Landmarks;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.FaceDetectorYN;
import org.bytedeco.opencv.opencv_objdetect.FaceRecognizerSF;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Aligning one face onto the 112x112 template from its five landmarks: Visage's aligner against
 * OpenCV's {@code FaceRecognizerSF.alignCrop}, on the same photo and the same landmarks (found
 * once by OpenCV's FaceDetectorYN). The setup checks that both give the same crop.
 */
@State(Scope.Thread)
public class AlignBenchmark {

  private BgrImage image;
  private Landmarks landmarks;
  private Mat faceRow;
  private FaceRecognizerSF reference;
  private Mat referenceCrop;
  private final FaceAligner aligner = new FaceAligner();

  @Setup
  public void setUp() {
    image = new BgrImage(Fixtures.imdecodeColour(Fixtures.photo("obama/obama.jpg")));
    faceRow = new Mat(1, 15, CV_32F);
    try (FaceDetectorYN detector = FaceDetectorYN.create(Fixtures.model("yunet_s_640_640.onnx").toString(), "",
        new Size(image.width(), image.height()), 0.9f, 0.3f, 5000, 0, 0); Mat faces = new Mat()) {
      detector.detect(image.mat(), faces);
      if (faces.rows() == 0) {
        throw new IllegalStateException("OpenCV found no face in the benchmark photo");
      }
      faces.row(0).copyTo(faceRow);
    }
    float[] points = new float[10];
    FloatIndexer values = faceRow.createIndexer();
    for (int i = 0; i < 10; i++) {
      points[i] = values.get(0, 4 + i);
    }
    landmarks = new Landmarks(points);
    reference = FaceRecognizerSF.create(Fixtures.model("MobileFaceNet.onnx").toString(), "");
    referenceCrop = new Mat();
    checkSameCrop();
  }

  private void checkSameCrop() {
    byte[] ours = aligner.align(image, landmarks).bgr();
    reference.alignCrop(image.mat(), faceRow, referenceCrop);
    byte[] theirs = new byte[AlignedFace.BYTES];
    referenceCrop.data().get(theirs);
    long difference = 0;
    for (int i = 0; i < ours.length; i++) {
      difference += Math.abs((ours[i] & 0xff) - (theirs[i] & 0xff));
    }
    double mean = (double) difference / ours.length;
    if (mean > 0.5) {
      throw new IllegalStateException("the crops differ by " + mean + " per value; the two sides would not do the same work");
    }
  }

  @Benchmark
  public AlignedFace visage() {
    return aligner.align(image, landmarks);
  }

  @Benchmark
  public Mat opencv() {
    reference.alignCrop(image.mat(), faceRow, referenceCrop);
    return referenceCrop;
  }

  @TearDown
  public void tearDown() {
    image.close();
    faceRow.close();
    referenceCrop.close();
    reference.close();
  }
}
