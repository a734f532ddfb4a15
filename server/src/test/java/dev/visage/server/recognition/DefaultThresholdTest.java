package dev.visage.server.recognition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.Engine;
import dev.visage.server.inference.FaceDetection;
import dev.visage.server.testing.SharedData;
import dev.visage.server.testing.SharedEngine;
import dev.visage.server.vision.ImageInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the default threshold in models/manifest.json was chosen, re-done on every build: embed the
 * largest face of every photo of every person folder, score every pair, and take the middle of the
 * interval that minimises FAR + FRR. The manifest's value must be that calibration's result.
 */
class DefaultThresholdTest {

  @Test
  void theManifestThresholdIsTheCalibratedOne() throws Exception {
    Engine engine = SharedEngine.get();
    ThresholdCalibration.Result result = calibrate(engine, "");

    float manifest = engine.embedderSpec().threshold();
    assertEquals(result.threshold(), manifest, 0.0015f,
        "models/manifest.json's threshold should be the calibrated " + result.threshold());
    assertTrue(manifest > result.low() && manifest <= result.high());
  }

  /**
   * The same calibration with each face also embedded mirrored (--embed-flip), for comparison: it is
   * off by default because it doubles the embedding work without separating the pairs better here.
   */
  @Test
  void mirroredCropsAreMeasuredAgainstPlainOnes() throws Exception {
    Path scratch = Files.createTempDirectory("visage-flip");
    try (Engine flipping = Engine.load(dev.visage.server.config.ServerOptions.parse("--data-dir=" + scratch,
        "--model-mirror=" + SharedData.models(), "--offline", "--embed-flip"))) {
      ThresholdCalibration.Result plain = calibrate(SharedEngine.get(), "");
      ThresholdCalibration.Result flipped = calibrate(flipping, " with --embed-flip");
      assertEquals(plain.genuinePairs(), flipped.genuinePairs());
    }
  }

  private static ThresholdCalibration.Result calibrate(Engine engine, String label) throws Exception {
    List<String> labels = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (Map.Entry<String, List<Path>> person : SharedData.photosByPerson().entrySet()) {
      for (Path photo : person.getValue()) {
        try (var image = engine.pipeline().open(ImageInput.Encoded.of(Files.readAllBytes(photo)))) {
          List<FaceDetection> faces = image.detect(engine.pipeline().defaultMinDetectionScore());
          vectors.add(image.embed(List.of(faces.get(0))).get(0));
          labels.add(person.getKey());
        }
      }
    }
    List<Float> genuine = new ArrayList<>();
    List<Float> impostor = new ArrayList<>();
    for (int a = 0; a < vectors.size(); a++) {
      for (int b = a + 1; b < vectors.size(); b++) {
        float similarity = 0;
        for (int d = 0; d < vectors.get(a).length; d++) {
          similarity += vectors.get(a)[d] * vectors.get(b)[d];
        }
        (labels.get(a).equals(labels.get(b)) ? genuine : impostor).add(similarity);
      }
    }
    ThresholdCalibration.Result result = ThresholdCalibration.minimiseErrorRates(toArray(genuine), toArray(impostor));
    System.out.printf(Locale.ROOT, "[calibration%s] %d genuine and %d impostor pairs: genuine mean %.3f, impostor mean %.3f, "
            + "best interval (%.4f, %.4f], threshold %.3f, FAR %.4f (%d pairs), FRR %.4f (%d pairs)%n",
        label, result.genuinePairs(), result.impostorPairs(), mean(genuine), mean(impostor), result.low(), result.high(),
        result.threshold(), result.falseAcceptRate(), result.falseAccepts(), result.falseRejectRate(), result.falseRejects());
    return result;
  }

  private static double mean(List<Float> values) {
    return values.stream().mapToDouble(Float::doubleValue).average().orElse(Double.NaN);
  }

  private static float[] toArray(List<Float> values) {
    float[] array = new float[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i);
    }
    return array;
  }
}
