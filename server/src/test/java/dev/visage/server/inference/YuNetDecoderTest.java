package dev.visage.server.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class YuNetDecoderTest {

  private static final int WIDTH = 64;
  private static final int HEIGHT = 32;

  /** Zeroed outputs for a 64x32 input: 8x4, 4x2 and 2x1 cells for strides 8, 16, 32. */
  private static FloatBuffer[][] emptyOutputs() {
    FloatBuffer[][] outputs = new FloatBuffer[3][4];
    int[] perCell = {1, 1, 4, 10};
    for (int s = 0; s < 3; s++) {
      int cells = (WIDTH / YuNetDecoder.STRIDES[s]) * (HEIGHT / YuNetDecoder.STRIDES[s]);
      for (int k = 0; k < 4; k++) {
        outputs[s][k] = FloatBuffer.allocate(cells * perCell[k]);
      }
    }
    return outputs;
  }

  @Test
  void decodesScoreBoxAndLandmarksOfACell() {
    FloatBuffer[][] outputs = emptyOutputs();
    // Stride 16, row 1, column 2: cell index 1 * 4 + 2 = 6.
    int cell = 6;
    outputs[1][0].put(cell, 0.81f);         // cls
    outputs[1][1].put(cell, 1.7f);          // obj, clamped to 1
    outputs[1][2].put(cell * 4, 0.5f);      // centre x offset
    outputs[1][2].put(cell * 4 + 1, 0.25f); // centre y offset
    outputs[1][2].put(cell * 4 + 2, (float) Math.log(2));   // width = 2 x stride
    outputs[1][2].put(cell * 4 + 3, (float) Math.log(1.5)); // height = 1.5 x stride
    for (int p = 0; p < 5; p++) {
      outputs[1][3].put(cell * 10 + 2 * p, 0.1f * p);
      outputs[1][3].put(cell * 10 + 2 * p + 1, -0.1f * p);
    }

    List<FaceDetection> faces = YuNetDecoder.decode(outputs, WIDTH, HEIGHT, 0.5f);

    assertEquals(1, faces.size());
    FaceDetection face = faces.get(0);
    assertEquals(0.9f, face.score(), 1e-6, "sqrt(0.81 x 1)");
    float centreX = (2 + 0.5f) * 16;
    float centreY = (1 + 0.25f) * 16;
    assertEquals(32f, face.box().width(), 1e-4);
    assertEquals(24f, face.box().height(), 1e-4);
    assertEquals(centreX - 16f, face.box().x(), 1e-4);
    assertEquals(centreY - 12f, face.box().y(), 1e-4);
    for (int p = 0; p < 5; p++) {
      assertEquals((2 + 0.1f * p) * 16, face.landmarks().x(p), 1e-4);
      assertEquals((1 - 0.1f * p) * 16, face.landmarks().y(p), 1e-4);
    }
  }

  @Test
  void skipsCellsBelowTheThresholdAndClampsNegativeScores() {
    FloatBuffer[][] outputs = emptyOutputs();
    outputs[0][0].put(3, 0.49f);
    outputs[0][1].put(3, 0.49f); // sqrt = 0.49
    outputs[2][0].put(1, -0.5f); // clamped to 0
    outputs[2][1].put(1, 1f);
    assertTrue(YuNetDecoder.decode(outputs, WIDTH, HEIGHT, 0.5f).isEmpty());
    assertEquals(1, YuNetDecoder.decode(outputs, WIDTH, HEIGHT, 0.4f).size());
  }
}
