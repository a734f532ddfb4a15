package dev.visage.server.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.visage.server.vision.Box;
import dev.visage.server.vision.Landmarks;
import java.util.List;
import org.junit.jupiter.api.Test;

class NonMaxSuppressionTest {

  private static FaceDetection face(float x, float y, float size, float score) {
    return new FaceDetection(new Box(x, y, size, size), new Landmarks(new float[10]), score);
  }

  @Test
  void keepsTheBestOfOverlappingBoxesAndSeparateOnes() {
    FaceDetection best = face(10, 10, 100, 0.95f);
    FaceDetection shifted = face(15, 12, 100, 0.93f); // IoU about 0.87 with best
    FaceDetection apart = face(300, 10, 100, 0.91f);
    List<FaceDetection> kept = NonMaxSuppression.apply(List.of(shifted, apart, best), 0.5f, 0.3f, 0);
    assertEquals(List.of(best, apart), kept);
  }

  @Test
  void overlapAtTheThresholdIsKeptAboveItDropped() {
    // Two 10x10 boxes side by side sharing a 10x5 strip: IoU = 50 / 150 = 1/3.
    FaceDetection first = face(0, 0, 10, 0.9f);
    FaceDetection second = new FaceDetection(new Box(5, 0, 10, 10), new Landmarks(new float[10]), 0.8f);
    assertEquals(2, NonMaxSuppression.apply(List.of(first, second), 0.5f, 0.34f, 0).size());
    assertEquals(1, NonMaxSuppression.apply(List.of(first, second), 0.5f, 0.33f, 0).size());
  }

  @Test
  void measuresOverlapOnWholePixelsLikeOpenCv() {
    // As floats the boxes overlap by IoU 0.2; truncated to whole pixels they do not touch.
    FaceDetection first = new FaceDetection(new Box(0f, 0f, 10.9f, 10f), new Landmarks(new float[10]), 0.9f);
    FaceDetection second = new FaceDetection(new Box(10.5f, 0f, 10f, 10f), new Landmarks(new float[10]), 0.8f);
    assertEquals(2, NonMaxSuppression.apply(List.of(first, second), 0.5f, 0.0f, 0).size());
  }

  @Test
  void scoreMustExceedTheThresholdAndTopKLimitsCandidates() {
    FaceDetection atThreshold = face(0, 0, 10, 0.5f);
    FaceDetection a = face(100, 0, 10, 0.9f);
    FaceDetection b = face(200, 0, 10, 0.8f);
    FaceDetection c = face(300, 0, 10, 0.7f);
    assertEquals(List.of(a, b, c), NonMaxSuppression.apply(List.of(atThreshold, c, b, a), 0.5f, 0.3f, 0));
    assertEquals(List.of(a, b), NonMaxSuppression.apply(List.of(c, b, a), 0.5f, 0.3f, 2));
  }

  @Test
  void equalScoresKeepTheirOrder() {
    FaceDetection first = face(0, 0, 10, 0.9f);
    FaceDetection second = face(1, 1, 10, 0.9f);
    assertEquals(List.of(first), NonMaxSuppression.apply(List.of(first, second), 0.5f, 0.3f, 0));
    assertEquals(List.of(second), NonMaxSuppression.apply(List.of(second, first), 0.5f, 0.3f, 0));
  }
}
