package dev.visage.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.PixelFormat;
import dev.visage.api.v1.RawImage;
import dev.visage.server.vision.BgrImage;
import dev.visage.server.vision.ImageDecoder;
import dev.visage.server.vision.ImageInput;
import dev.visage.server.vision.ImageLimits;
import dev.visage.server.vision.ImageRejectedException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Coverage-guided fuzzing (Jazzer) of what a client controls before any model runs: the request
 * bytes, the image field, the encoded file and the raw pixel layout. Whatever arrives, the answer
 * is an image or a refusal the API maps to INVALID_ARGUMENT or RESOURCE_EXHAUSTED, never another
 * exception, a crash or a hang.
 *
 * <p>{@code scripts/test} runs the saved inputs in {@code src/test/resources/.../ImageInputFuzzTestInputs}
 * on every build, then fuzzes each target for a bounded time; an input that breaks a target is saved
 * there by Jazzer and so becomes a regression test. Those inputs are crafted bytes, none over
 * 120 (a PNG header claiming a huge image, a JPEG cut after its header, 16-bit and alpha PNGs,
 * request fragments): they are test cases in Jazzer's layout, not photographs, so they live here
 * rather than with the shared test photos.
 */
class ImageInputFuzzTest {

  /** Small limits so the fuzzer reaches the refusals quickly without allocating gigabytes. */
  private static final ImageDecoder DECODER = new ImageDecoder(new ImageLimits(1 << 20, 4_000_000));

  @FuzzTest(maxDuration = "30s")
  void encodedFiles(byte[] file) {
    check(Image.newBuilder().setEncoded(ByteString.copyFrom(file)).build());
  }

  @FuzzTest(maxDuration = "30s")
  void rawFrames(FuzzedDataProvider data) {
    RawImage raw = RawImage.newBuilder()
        .setWidth(data.consumeInt(-2, 5000))
        .setHeight(data.consumeInt(-2, 5000))
        .setFormat(PixelFormat.forNumber(data.consumeInt(0, 5)))
        .setRowStride(data.consumeInt(-1, 20_000))
        .setPixels(ByteString.copyFrom(data.consumeRemainingAsBytes()))
        .build();
    check(Image.newBuilder().setRaw(raw).build());
  }

  @FuzzTest(maxDuration = "30s")
  void requestBytes(byte[] message) {
    IdentifyRequest request;
    try {
      request = IdentifyRequest.parseFrom(message);
    } catch (InvalidProtocolBufferException refused) {
      return; // StrictRequestParsing answers INVALID_ARGUMENT (MalformedMessageTest)
    }
    check(request.getImage());
  }

  private static void check(Image image) {
    ImageInput input;
    try {
      input = ProtoMapping.imageInput("image", image);
    } catch (StatusRuntimeException refused) {
      assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), refused.getMessage());
      assertTrue(refused.getStatus().getDescription() != null && !refused.getStatus().getDescription().isBlank());
      return;
    }
    try (BgrImage decoded = DECODER.decode(input)) {
      assertTrue(decoded.width() > 0 && decoded.height() > 0);
      assertTrue((long) decoded.width() * decoded.height() <= 4_000_000, "the pixel limit holds");
      assertEquals(3, decoded.mat().channels());
    } catch (ImageRejectedException refused) {
      Status status = ApiErrors.toStatus("Identify", refused);
      assertTrue(status.getCode() == Status.Code.INVALID_ARGUMENT || status.getCode() == Status.Code.RESOURCE_EXHAUSTED,
          status.toString());
      assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank());
    }
  }
}
