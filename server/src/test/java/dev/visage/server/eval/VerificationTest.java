package dev.visage.server.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerificationTest {

  /** 10 genuine pairs 0.50..0.95 in steps of 0.05; 100 impostor pairs -0.49..0.50 in steps of 0.01. */
  private static Verification overlapping() {
    float[] genuine = new float[10];
    for (int i = 0; i < genuine.length; i++) {
      genuine[i] = (10 + i) / 20f;
    }
    float[] impostor = new float[100];
    for (int i = 0; i < impostor.length; i++) {
      impostor[i] = (i - 49) / 100f;
    }
    return new Verification(genuine, impostor);
  }

  @Test
  void ratesCountPairsAtOrAboveTheThreshold() {
    Verification v = overlapping();
    assertEquals(1.0, v.trueAcceptRate(0.5f));
    assertEquals(0.9, v.trueAcceptRate(0.51f), 1e-9);
    assertEquals(0.01, v.falseAcceptRate(0.5f), 1e-9, "only the impostor at 0.50 is accepted");
    assertEquals(0.0, v.falseAcceptRate(0.51f));
  }

  @Test
  void tarAtFarTakesTheLowestThresholdWithinTheRate() {
    Verification v = overlapping();
    Verification.Operating atTenPercent = v.atFalseAcceptRate(0.1).orElseThrow();
    assertEquals(0.1, atTenPercent.falseAcceptRate(), 1e-9, "10 of the 100 impostors: 0.41 to 0.50");
    assertTrue(atTenPercent.threshold() > 0.40f && atTenPercent.threshold() <= 0.41f, "just above 0.40: " + atTenPercent.threshold());
    assertEquals(1.0, atTenPercent.trueAcceptRate());

    Verification.Operating atOnePercent = v.atFalseAcceptRate(0.01).orElseThrow();
    assertEquals(0.01, atOnePercent.falseAcceptRate(), 1e-9);
    assertEquals(1.0, atOnePercent.trueAcceptRate());
  }

  @Test
  void aRateTooSmallForThePairsIsNotReported() {
    assertEquals(Optional.empty(), overlapping().atFalseAcceptRate(1e-3), "100 impostor pairs cannot resolve 1e-3");
  }

  @Test
  void equalErrorRateOfSeparatedClassesIsZeroInTheMiddleOfTheGap() {
    Verification v = new Verification(new float[] {0.6f, 0.7f, 0.8f}, new float[] {0.1f, 0.2f, 0.4f});
    Verification.Operating equal = v.equalErrorRate();
    assertEquals(0.0, equal.meanErrorRate());
    assertEquals(0.5f, equal.threshold(), 1e-6f, "middle of (0.4, 0.6]");
  }

  @Test
  void equalErrorRateWhereTheRatesCross() {
    // Between 0.45 and 0.5 one genuine pair of four is rejected and one impostor pair of four accepted.
    Verification v = new Verification(new float[] {0.45f, 0.6f, 0.7f, 0.8f}, new float[] {0.1f, 0.2f, 0.3f, 0.5f});
    Verification.Operating equal = v.equalErrorRate();
    assertEquals(0.25, equal.falseAcceptRate(), 1e-9);
    assertEquals(0.25, equal.falseRejectRate(), 1e-9);
    assertEquals(0.25, equal.meanErrorRate(), 1e-9);
    assertEquals(0.475f, equal.threshold(), 1e-6f, "middle of (0.45, 0.5]");
  }

  @Test
  void distributionsAndHistogramCoverEveryPair() {
    Verification v = overlapping();
    assertEquals(0.725, v.genuineDistribution().mean(), 1e-6);
    assertEquals(0.95f, v.genuineDistribution().max(), 1e-6f);
    int genuine = 0;
    int impostor = 0;
    for (int[] bin : v.histogram(0.1f)) {
      genuine += bin[0];
      impostor += bin[1];
    }
    assertEquals(10, genuine);
    assertEquals(100, impostor);
  }

  @Test
  void bothKindsOfPairsAreNeeded() {
    assertThrows(IllegalArgumentException.class, () -> new Verification(new float[0], new float[] {0.1f}));
  }
}
