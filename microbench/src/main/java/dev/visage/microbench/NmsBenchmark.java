package dev.visage.microbench;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_dnn.NMSBoxes;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromONNX;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.visage.server.inference.FaceDetection;
import dev.visage.server.inference.NonMaxSuppression;
import dev.visage.server.inference.YuNetDecoder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Non-maximum suppression of YuNet's real candidates for a group photo (the fixed 640x640 model
 * run once through OpenCV's DNN module, its outputs decoded by Visage): Visage's NMS against
 * OpenCV's {@code dnn::NMSBoxes}, which FaceDetectorYN uses. The reference gets its boxes and
 * scores already in native vectors, so it is timed on the suppression alone. The setup checks
 * that both keep the same faces.
 */
@State(Scope.Thread)
public class NmsBenchmark {

  private static final int SIDE = 640;
  private static final float SCORE_THRESHOLD = 0.6f;
  private static final float IOU_THRESHOLD = 0.3f;
  private static final int TOP_K = 5000;

  private List<FaceDetection> candidates;
  private RectVector boxes;
  private FloatPointer scores;

  @Setup
  public void setUp() {
    candidates = rawCandidates("_group/oscar.jpg");
    boxes = new RectVector(candidates.size());
    scores = new FloatPointer(candidates.size());
    for (int i = 0; i < candidates.size(); i++) {
      FaceDetection c = candidates.get(i);
      boxes.put(i, new Rect((int) c.box().x(), (int) c.box().y(), (int) c.box().width(), (int) c.box().height()));
      scores.put(i, c.score());
    }
    int ours = NonMaxSuppression.apply(candidates, SCORE_THRESHOLD, IOU_THRESHOLD, TOP_K).size();
    int theirs = opencv();
    if (ours != theirs || ours == 0) {
      throw new IllegalStateException("Visage keeps " + ours + " of " + candidates.size() + " candidates, OpenCV " + theirs
          + "; the two sides would not do the same work");
    }
  }

  /** YuNet's candidates above the score threshold, before suppression. */
  private static List<FaceDetection> rawCandidates(String photo) {
    Net net = readNetFromONNX(Fixtures.model("yunet_s_640_640.onnx").toString());
    try (Mat image = Fixtures.imdecodeColour(Fixtures.photo(photo)); Mat resized = new Mat(); Mat padded = new Mat()) {
      float scale = SIDE / (float) Math.max(image.cols(), image.rows());
      int width = Math.round(image.cols() * scale);
      int height = Math.round(image.rows() * scale);
      resize(image, resized, new Size(width, height), 0, 0, INTER_AREA);
      copyMakeBorder(resized, padded, 0, SIDE - height, 0, SIDE - width, BORDER_CONSTANT, new Scalar(0.0));
      try (Mat blob = blobFromImage(padded); MatVector outputs = new MatVector(); StringVector names = new StringVector()) {
        for (String[] stride : YuNetDecoder.OUTPUTS) {
          for (String name : stride) {
            names.push_back(name);
          }
        }
        net.setInput(blob);
        net.forward(outputs, names);
        FloatBuffer[][] buffers = new FloatBuffer[3][4];
        for (int s = 0; s < 3; s++) {
          for (int o = 0; o < 4; o++) {
            Mat output = outputs.get(4L * s + o);
            float[] values = new float[(int) output.total()];
            ((FloatPointer) new FloatPointer(output.data())).get(values);
            buffers[s][o] = FloatBuffer.wrap(values);
          }
        }
        return new ArrayList<>(YuNetDecoder.decode(buffers, SIDE, SIDE, SCORE_THRESHOLD));
      }
    } finally {
      net.close();
    }
  }

  @Benchmark
  public int visage() {
    return NonMaxSuppression.apply(candidates, SCORE_THRESHOLD, IOU_THRESHOLD, TOP_K).size();
  }

  @Benchmark
  public int opencv() {
    try (IntPointer indices = new IntPointer()) {
      NMSBoxes(boxes, scores, SCORE_THRESHOLD, IOU_THRESHOLD, indices, 1f, TOP_K);
      return (int) indices.limit();
    }
  }

  @TearDown
  public void tearDown() {
    boxes.close();
    scores.close();
  }
}
