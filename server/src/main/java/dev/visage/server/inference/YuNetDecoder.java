package dev.visage.server.inference;

import dev.visage.server.vision.Box;
import dev.visage.server.vision.Landmarks;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns YuNet's raw outputs into face candidates, as OpenCV's {@code FaceDetectorYN} decodes them.
 *
 * <p>For each stride s of 8, 16 and 32 the model scores every cell (row r, column c) of an
 * (H/s) x (W/s) grid over the padded input. A cell's score is sqrt(cls x obj), both clamped to
 * [0, 1]; its box centre is ((c, r) + offset) x s and its size exp(value) x s; each landmark is
 * ((c, r) + offset) x s. Coordinates are in the padded input's pixels.
 */
public final class YuNetDecoder {

  /** The grid strides, in the order of the model's outputs. */
  public static final int[] STRIDES = {8, 16, 32};

  /** Output names per stride: cls, obj, bbox (4 values per cell), kps (10 values per cell). */
  public static final String[][] OUTPUTS = {
    {"cls_8", "obj_8", "bbox_8", "kps_8"},
    {"cls_16", "obj_16", "bbox_16", "kps_16"},
    {"cls_32", "obj_32", "bbox_32", "kps_32"},
  };

  private YuNetDecoder() {}

  /**
   * @param outputs per stride, the four output buffers in the order of {@link #OUTPUTS}
   * @param paddedWidth the input tensor's width (a multiple of 32)
   * @param paddedHeight the input tensor's height
   * @param scoreThreshold cells scoring below it are skipped
   * @return candidates before non-maximum suppression, in grid order
   */
  public static List<FaceDetection> decode(
      FloatBuffer[][] outputs, int paddedWidth, int paddedHeight, float scoreThreshold) {
    List<FaceDetection> candidates = new ArrayList<>();
    for (int s = 0; s < STRIDES.length; s++) {
      int stride = STRIDES[s];
      int cols = paddedWidth / stride;
      int rows = paddedHeight / stride;
      FloatBuffer cls = outputs[s][0];
      FloatBuffer obj = outputs[s][1];
      FloatBuffer bbox = outputs[s][2];
      FloatBuffer kps = outputs[s][3];
      if (cls.limit() < rows * cols) {
        throw new IllegalArgumentException("stride " + stride + " output has " + cls.limit()
            + " cells; a " + paddedWidth + "x" + paddedHeight + " input needs " + rows * cols);
      }
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          int cell = r * cols + c;
          float score = (float) Math.sqrt(clamp01(cls.get(cell)) * clamp01(obj.get(cell)));
          if (score < scoreThreshold) {
            continue;
          }
          float centreX = (c + bbox.get(cell * 4)) * stride;
          float centreY = (r + bbox.get(cell * 4 + 1)) * stride;
          float width = (float) Math.exp(bbox.get(cell * 4 + 2)) * stride;
          float height = (float) Math.exp(bbox.get(cell * 4 + 3)) * stride;
          float[] points = new float[2 * Landmarks.COUNT];
          for (int p = 0; p < Landmarks.COUNT; p++) {
            points[2 * p] = (kps.get(cell * 10 + 2 * p) + c) * stride;
            points[2 * p + 1] = (kps.get(cell * 10 + 2 * p + 1) + r) * stride;
          }
          candidates.add(new FaceDetection(
              new Box(centreX - width / 2f, centreY - height / 2f, width, height),
              new Landmarks(points),
              score));
        }
      }
    }
    return candidates;
  }

  private static float clamp01(float value) {
    return Math.min(1f, Math.max(0f, value));
  }
}
