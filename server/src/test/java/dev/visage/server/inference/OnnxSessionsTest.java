package dev.visage.server.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.visage.server.models.ModelManifest;
import dev.visage.server.models.ModelSpec;
import dev.visage.server.testing.SharedData;
import dev.visage.server.vision.BgrImage;
import dev.visage.server.vision.ImageDecoder;
import dev.visage.server.vision.ImageInput;
import dev.visage.server.vision.ImageLimits;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Asking for the GPU never leaves the server without a working detector. */
class OnnxSessionsTest {

  @Test
  void cudaWhereItCannotRunFallsBackToTheCpuWithTheSameResults() throws Exception {
    ModelSpec spec = ModelManifest.bundled().byId("yunet_s");
    byte[] model = Files.readAllBytes(SharedData.model(spec.file()));
    OnnxSessions cuda = new OnnxSessions(new InferenceSettings(ExecutionDevice.CUDA, 0, 1, false));
    OnnxSessions cpu = new OnnxSessions(new InferenceSettings(ExecutionDevice.CPU, 0, 1, false));
    try (YuNetDetector onCuda = new YuNetDetector(cuda, model, spec, DetectorSettings.DEFAULT);
        YuNetDetector onCpu = new YuNetDetector(cpu, model, spec, DetectorSettings.DEFAULT);
        BgrImage image = new ImageDecoder(ImageLimits.DEFAULT).decode(
            ImageInput.Encoded.of(SharedData.bytes("_group/oscar.jpg")))) {
      List<FaceDetection> expected = onCpu.detect(image);
      List<FaceDetection> actual = onCuda.detect(image);
      assertEquals(expected.size(), actual.size());
      if (!gpuPresent()) {
        assertEquals(ExecutionDevice.CPU, cuda.effectiveDevice(), "no GPU here: the CPU took over");
        assertEquals(expected, actual);
      }
    }
  }

  private static boolean gpuPresent() {
    return Files.exists(java.nio.file.Path.of("/dev/nvidiactl"));
  }
}
