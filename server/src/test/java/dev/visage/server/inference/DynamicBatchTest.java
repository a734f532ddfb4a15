package dev.visage.server.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.visage.server.Engine;
import dev.visage.server.inference.onnx.OnnxGraph.ModelProto;
import dev.visage.server.inference.onnx.OnnxGraph.NodeProto;
import dev.visage.server.testing.SharedData;
import dev.visage.server.testing.SharedEngine;
import dev.visage.server.vision.AlignedFace;
import dev.visage.server.vision.BgrImage;
import dev.visage.server.vision.FaceAligner;
import dev.visage.server.vision.ImageDecoder;
import dev.visage.server.vision.ImageInput;
import dev.visage.server.vision.ImageLimits;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MobileFaceNet with a dynamic batch: a batch of faces gives exactly what each face gives alone. */
class DynamicBatchTest {

  private static byte[] publishedModel() throws Exception {
    return Files.readAllBytes(SharedData.model("MobileFaceNet.onnx"));
  }

  @Test
  void theEditMakesTheBatchDimensionSymbolicAndFlattensPerFace() throws Exception {
    ModelProto edited = ModelProto.parseFrom(DynamicBatch.apply(publishedModel(), "input0", "output0", 128));
    assertEquals("batch", edited.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    assertEquals("batch", edited.getGraph().getOutput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    NodeProto reshape = edited.getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("Reshape")).findFirst().orElseThrow();
    NodeProto shape = edited.getGraph().getNodeList().stream()
        .filter(n -> n.getOutputList().contains(reshape.getInput(1))).findFirst().orElseThrow();
    ByteBuffer values = shape.getAttribute(0).getT().getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(-1L, values.getLong());
    assertEquals(128L, values.getLong());
    assertEquals(ModelProto.parseFrom(publishedModel()).getGraph().getInitializerCount(),
        edited.getGraph().getInitializerCount(), "no weight is touched");
  }

  @Test
  void thePublishedGraphCannotTakeABatch() throws Exception {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OrtSession session = environment.createSession(publishedModel(), new OrtSession.SessionOptions());
        OnnxTensor two = OnnxTensor.createTensor(environment, FloatBuffer.allocate(2 * 3 * 112 * 112),
            new long[] {2, 3, 112, 112})) {
      assertThrows(OrtException.class, () -> session.run(Map.of("input0", two)).close(),
          "without the edit a batch of two is refused: that is why the edit exists");
    }
  }

  @Test
  void batchedVectorsEqualOneByOneVectors() throws Exception {
    Engine engine = SharedEngine.get();
    ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    FaceAligner aligner = new FaceAligner();
    List<AlignedFace> faces = new ArrayList<>();
    for (Path photo : SharedData.photosIn("_group")) {
      try (BgrImage image = decoder.decode(ImageInput.Encoded.of(Files.readAllBytes(photo)))) {
        for (FaceDetection face : engine.detector().detect(image)) {
          faces.add(aligner.align(image, face.landmarks()));
        }
      }
    }
    int batch = engine.embedder().maxBatch();
    assertTrue(faces.size() > batch, "enough real faces for a full batch: " + faces.size());

    float[][] together = engine.embedder().embed(faces.subList(0, batch));
    double worst = 0;
    for (int i = 0; i < batch; i++) {
      float[] alone = engine.embedder().embed(List.of(faces.get(i)))[0];
      for (int d = 0; d < alone.length; d++) {
        worst = Math.max(worst, Math.abs(alone[d] - together[i][d]));
      }
    }
    System.out.printf(Locale.ROOT, "[batch] %d faces in one run vs one by one: largest difference %.2e%n", batch, worst);
    assertTrue(worst < 1e-5, "batched and single runs agree to within float rounding, got " + worst);
  }
}
