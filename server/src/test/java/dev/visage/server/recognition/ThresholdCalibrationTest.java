package dev.visage.server.recognition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThresholdCalibrationTest {

  @Test
  void separableScoresGiveTheMiddleOfTheGap() {
    ThresholdCalibration.Result result = ThresholdCalibration.minimiseErrorRates(
        new float[] {0.6f, 0.7f, 0.9f}, new float[] {-0.1f, 0.1f, 0.3f});
    assertEquals(0.45f, result.threshold(), 1e-6);
    assertEquals(0, result.falseAccepts());
    assertEquals(0, result.falseRejects());
  }

  @Test
  void overlappingScoresBalanceTheTwoRates() {
    // One impostor pair among ten (10%) scores 0.65; rejecting the one genuine pair of two (50%)
    // below it would cost more, so that impostor is accepted.
    float[] impostor = {0.0f, 0.05f, 0.1f, 0.12f, 0.2f, 0.22f, 0.3f, 0.31f, 0.33f, 0.65f};
    ThresholdCalibration.Result result = ThresholdCalibration.minimiseErrorRates(new float[] {0.6f, 0.8f}, impostor);
    assertEquals(0.33f, result.low(), 1e-6);
    assertEquals(0.6f, result.high(), 1e-6);
    assertEquals(1, result.falseAccepts());
    assertEquals(0.1, result.falseAcceptRate(), 1e-9);
    assertEquals(0, result.falseRejects());
  }
}
