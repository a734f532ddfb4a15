package dev.visage.server.inference;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.split;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.visage.server.models.ModelSpec;
import dev.visage.server.vision.BgrImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Finds faces with YuNet on ONNX Runtime.
 *
 * <p>An image is scaled down to the working size (longer side at most {@code maxWorkingSide}),
 * padded right and bottom to multiples of 32, and fed as BGR floats 0..255. The outputs are
 * decoded and suppressed as OpenCV does, then mapped back to the original image's pixels.
 *
 * <p>Each concurrent detection borrows a workspace: the resized image, the input tensor and the
 * output tensors, all allocated once and reused while frames keep the same size.
 */
public final class YuNetDetector implements AutoCloseable {

  private final OnnxSessions sessions;
  private final OrtSession session;
  private final String inputName;
  private final DetectorSettings settings;
  private final BlockingQueue<Workspace> workspaces;

  public YuNetDetector(OnnxSessions sessions, byte[] model, ModelSpec spec, DetectorSettings settings)
      throws OrtException {
    if (!"BGR".equals(spec.input().colorOrder()) || spec.input().sizeDivisor() != 32) {
      throw new IllegalArgumentException(spec.id() + " is not a YuNet model (BGR input, sizes multiple of 32)");
    }
    this.sessions = sessions;
    this.session = sessions.open(spec.versionedId(), model);
    this.inputName = spec.input().tensor();
    this.settings = settings;
    this.workspaces = new ArrayBlockingQueue<>(settings.concurrency());
    int maxPadded = padded(settings.maxWorkingSide());
    for (int i = 0; i < settings.concurrency(); i++) {
      workspaces.add(new Workspace(maxPadded));
    }
  }

  public DetectorSettings settings() {
    return settings;
  }

  /** Faces in the image with at least the default score, best first. */
  public List<FaceDetection> detect(BgrImage image) throws InterruptedException {
    return detect(image, settings.scoreThreshold());
  }

  /** Faces in the image scoring at least {@code minScore}, best first, in the image's pixels. */
  public List<FaceDetection> detect(BgrImage image, float minScore) throws InterruptedException {
    Workspace workspace = workspaces.take();
    try {
      return workspace.detect(image, minScore);
    } catch (OrtException e) {
      throw new InferenceException("YuNet failed on a " + image.width() + "x" + image.height() + " image", e);
    } finally {
      workspaces.add(workspace);
    }
  }

  /** The scale that brings an image to the working size (1 when it is small enough already). */
  public float workingScale(int width, int height) {
    return Math.min(1f, settings.maxWorkingSide() / (float) Math.max(width, height));
  }

  @Override
  public void close() throws OrtException {
    for (Workspace workspace : workspaces) {
      workspace.close();
    }
    session.close();
  }

  private static int padded(int side) {
    return (side + 31) / 32 * 32;
  }

  /** Buffers for one detection at a time. */
  private final class Workspace implements AutoCloseable {
    private final FloatBuffer input;
    private final FloatPointer inputPointer;
    private final Mat resized = new Mat();
    private final MatVector channels = new MatVector(3);
    private final Scalar zero = new Scalar(0.0);

    // Rebuilt only when the padded input size changes.
    private int paddedWidth = -1;
    private int paddedHeight = -1;
    private int contentWidth = -1;
    private int contentHeight = -1;
    private OnnxTensor inputTensor;
    private final Map<String, OnnxTensor> outputTensors = new LinkedHashMap<>();
    private final FloatBuffer[][] outputBuffers = new FloatBuffer[3][4];
    private Mat wholeTensor;
    private final Mat[] planeContent = new Mat[3];

    Workspace(int maxPaddedSide) {
      this.input = ByteBuffer.allocateDirect(3 * maxPaddedSide * maxPaddedSide * Float.BYTES)
          .order(ByteOrder.nativeOrder())
          .asFloatBuffer();
      this.inputPointer = new FloatPointer(input);
    }

    List<FaceDetection> detect(BgrImage image, float minScore) throws OrtException {
      float scale = workingScale(image.width(), image.height());
      Mat working = image.mat();
      int width = image.width();
      int height = image.height();
      if (scale < 1f) {
        width = Math.max(1, Math.round(image.width() * scale));
        height = Math.max(1, Math.round(image.height() * scale));
        // INTER_AREA averages the pixels each output pixel covers: no aliasing when shrinking.
        resize(image.mat(), resized, new Size(width, height), 0, 0, INTER_AREA);
        working = resized;
      }
      prepare(width, height);
      fillInput(working, width, height);

      try (OrtSession.Result ignored = session.run(Map.of(inputName, inputTensor), outputTensors)) {
        List<FaceDetection> candidates =
            YuNetDecoder.decode(outputBuffers, paddedWidth, paddedHeight, minScore);
        List<FaceDetection> faces =
            NonMaxSuppression.apply(candidates, minScore, settings.nmsThreshold(), settings.topK());
        if (scale == 1f) {
          return faces;
        }
        float back = 1f / scale;
        return faces.stream().map(face -> face.scaled(back)).toList();
      }
    }

    /** Writes the image's BGR planes as floats into the tensor; padding stays zero. */
    private void fillInput(Mat working, int width, int height) {
      if (paddedWidth != width || paddedHeight != height) {
        wholeTensor.put(zero);
      }
      split(working, channels);
      for (int c = 0; c < 3; c++) {
        channels.get(c).convertTo(planeContent[c], CV_32F);
      }
    }

    private void prepare(int width, int height) throws OrtException {
      int newPaddedWidth = padded(width);
      int newPaddedHeight = padded(height);
      if (newPaddedWidth == paddedWidth && newPaddedHeight == paddedHeight
          && width == contentWidth && height == contentHeight) {
        return;
      }
      releaseSized();
      paddedWidth = newPaddedWidth;
      paddedHeight = newPaddedHeight;
      contentWidth = width;
      contentHeight = height;
      int plane = paddedWidth * paddedHeight;

      inputTensor = OnnxTensor.createTensor(sessions.environment(), input.slice(0, 3 * plane),
          new long[] {1, 3, paddedHeight, paddedWidth});
      wholeTensor = new Mat(3 * paddedHeight, paddedWidth, CV_32F, inputPointer);
      Rect content = new Rect(0, 0, width, height);
      for (int c = 0; c < 3; c++) {
        try (Mat planeMat = new Mat(paddedHeight, paddedWidth, CV_32F, inputPointer.getPointer(FloatPointer.class, (long) c * plane))) {
          planeContent[c] = new Mat(planeMat, content);
        }
      }

      for (int s = 0; s < YuNetDecoder.STRIDES.length; s++) {
        int stride = YuNetDecoder.STRIDES[s];
        int cells = (paddedWidth / stride) * (paddedHeight / stride);
        int[] valuesPerCell = {1, 1, 4, 10};
        for (int k = 0; k < 4; k++) {
          FloatBuffer buffer = ByteBuffer.allocateDirect(cells * valuesPerCell[k] * Float.BYTES)
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
          outputBuffers[s][k] = buffer;
          outputTensors.put(YuNetDecoder.OUTPUTS[s][k], OnnxTensor.createTensor(
              sessions.environment(), buffer, new long[] {1, cells, valuesPerCell[k]}));
        }
      }
    }

    private void releaseSized() {
      if (inputTensor != null) {
        inputTensor.close();
        inputTensor = null;
      }
      outputTensors.values().forEach(OnnxTensor::close);
      outputTensors.clear();
      for (int c = 0; c < 3; c++) {
        if (planeContent[c] != null) {
          planeContent[c].close();
          planeContent[c] = null;
        }
      }
      if (wholeTensor != null) {
        wholeTensor.close();
        wholeTensor = null;
      }
    }

    @Override
    public void close() {
      releaseSized();
      resized.close();
      channels.close();
      inputPointer.close();
    }
  }
}
