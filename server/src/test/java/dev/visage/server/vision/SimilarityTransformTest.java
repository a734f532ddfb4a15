package dev.visage.server.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SimilarityTransformTest {

  @Test
  void recoversAKnownRotationScaleAndShift() {
    double angle = Math.toRadians(17);
    double scale = 0.37;
    double a = scale * Math.cos(angle);
    double b = scale * Math.sin(angle);
    float[] from = {120, 200, 260, 190, 190, 280, 140, 350, 250, 345};
    float[] to = new float[from.length];
    for (int i = 0; i < 5; i++) {
      to[2 * i] = (float) (a * from[2 * i] - b * from[2 * i + 1] + 12.5);
      to[2 * i + 1] = (float) (b * from[2 * i] + a * from[2 * i + 1] - 40.25);
    }
    SimilarityTransform fitted = SimilarityTransform.fit(from, to);
    assertEquals(a, fitted.a(), 1e-5);
    assertEquals(b, fitted.b(), 1e-5);
    assertEquals(12.5, fitted.tx(), 1e-3);
    assertEquals(-40.25, fitted.ty(), 1e-3);
    assertEquals(scale, fitted.scale(), 1e-5);
  }

  @Test
  void theTemplateMapsOntoItselfByTheIdentity() {
    SimilarityTransform identity = SimilarityTransform.fit(FaceAligner.TEMPLATE, FaceAligner.TEMPLATE);
    assertEquals(1.0, identity.a(), 1e-6);
    assertEquals(0.0, identity.b(), 1e-6);
    assertEquals(0.0, identity.tx(), 1e-4);
    assertEquals(0.0, identity.ty(), 1e-4);
  }

  @Test
  void noisyPointsGiveTheLeastSquaresFit() {
    float[] from = {101, 203, 262, 188, 187, 281, 139, 352, 251, 344};
    float[] to = FaceAligner.TEMPLATE;
    SimilarityTransform fit = SimilarityTransform.fit(from, to);
    double best = residual(fit, from, to);
    // Any nudge of any parameter fits worse: the fit is the least-squares minimum.
    double[] steps = {1e-3, -1e-3};
    for (double step : steps) {
      assertTrue(residual(new SimilarityTransform(fit.a() + step, fit.b(), fit.tx(), fit.ty()), from, to) > best);
      assertTrue(residual(new SimilarityTransform(fit.a(), fit.b() + step, fit.tx(), fit.ty()), from, to) > best);
      assertTrue(residual(new SimilarityTransform(fit.a(), fit.b(), fit.tx() + 100 * step, fit.ty()), from, to) > best);
      assertTrue(residual(new SimilarityTransform(fit.a(), fit.b(), fit.tx(), fit.ty() + 100 * step), from, to) > best);
    }
  }

  private static double residual(SimilarityTransform transform, float[] from, float[] to) {
    double sum = 0;
    for (int i = 0; i < from.length / 2; i++) {
      float[] mapped = transform.apply(from[2 * i], from[2 * i + 1]);
      sum += Math.pow(mapped[0] - to[2 * i], 2) + Math.pow(mapped[1] - to[2 * i + 1], 2);
    }
    return sum;
  }

  @Test
  void coincidentPointsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> SimilarityTransform.fit(new float[10], FaceAligner.TEMPLATE));
  }
}
