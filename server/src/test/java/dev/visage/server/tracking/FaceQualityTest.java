package dev.visage.server.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.inference.FaceDetection;
import dev.visage.server.vision.Box;
import dev.visage.server.vision.Landmarks;
import org.junit.jupiter.api.Test;

class FaceQualityTest {

  private static FaceDetection face(float noseX) {
    return new FaceDetection(new Box(0, 0, 100, 100),
        new Landmarks(new float[] {30, 40, 70, 40, noseX, 60, 35, 80, 65, 80}), 0.9f);
  }

  @Test
  void aFrontalFaceScoresOneAndATurnedFaceLess() {
    assertEquals(1f, FaceQuality.of(face(50)).frontalness(), 1e-6);
    assertTrue(FaceQuality.of(face(35)).frontalness() < 0.8f);
  }

  @Test
  void onlyAClearImprovementCounts() {
    FaceQuality best = new FaceQuality(80, 0.9f, 0.8f);
    assertFalse(new FaceQuality(90, 0.91f, 0.85f).clearlyBetterThan(best));
    assertTrue(new FaceQuality(100, 0.9f, 0.8f).clearlyBetterThan(best));
    assertTrue(new FaceQuality(80, 0.94f, 0.8f).clearlyBetterThan(best));
    assertTrue(new FaceQuality(80, 0.9f, 0.95f).clearlyBetterThan(best));
  }
}
