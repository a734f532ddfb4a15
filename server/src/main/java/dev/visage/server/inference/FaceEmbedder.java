package dev.visage.server.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.visage.server.models.ModelSpec;
import dev.visage.server.vision.AlignedFace;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * Turns aligned 112x112 faces into unit-length embedding vectors with an ArcFace-style model
 * (MobileFaceNet by default) on ONNX Runtime, several faces per run.
 *
 * <p>The model's batch dimension is made dynamic when it is loaded (see {@link DynamicBatch}).
 * Pixels are prepared as the manifest says: {@code (pixel * scale - mean[c]) / std[c]}, in the
 * model's channel order, through a per-channel lookup table. With {@code flip}, each face is also
 * embedded mirrored and the two vectors are summed before normalising.
 *
 * <p>Input and output tensors are allocated once per batch size and reused; runs are serialised.
 */
public final class FaceEmbedder implements AutoCloseable {

  private static final int PLANE = AlignedFace.SIZE * AlignedFace.SIZE;

  private final OnnxSessions sessions;
  private final OrtSession session;
  private final String inputName;
  private final String outputName;
  private final int dimension;
  private final int maxBatch;
  private final boolean flip;
  private final float[][] lookup = new float[3][256];
  private final boolean rgb;

  private final FloatBuffer input;
  private final FloatBuffer output;
  private final OnnxTensor[] inputTensors;
  private final Map<String, OnnxTensor>[] outputTensors;

  /**
   * @param model the model file's bytes, as published (batch of one)
   * @param maxBatch the most faces embedded in one run
   * @param flip also embed each face mirrored and sum the two vectors
   */
  @SuppressWarnings("unchecked")
  public FaceEmbedder(OnnxSessions sessions, byte[] model, ModelSpec spec, int maxBatch, boolean flip)
      throws OrtException {
    if (spec.input().width() != AlignedFace.SIZE || spec.input().height() != AlignedFace.SIZE) {
      throw new IllegalArgumentException(spec.id() + " takes " + spec.input().width() + "x"
          + spec.input().height() + " faces; the aligner makes " + AlignedFace.SIZE + "x" + AlignedFace.SIZE);
    }
    this.sessions = sessions;
    this.inputName = spec.input().tensor();
    this.outputName = spec.output().tensor();
    this.dimension = spec.output().dimension();
    this.maxBatch = maxBatch;
    this.flip = flip;
    this.rgb = spec.input().rgb();
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < 256; p++) {
        lookup[c][p] = (p * spec.input().scale() - spec.input().mean().get(c)) / spec.input().std().get(c);
      }
    }
    byte[] batched = DynamicBatch.apply(model, inputName, outputName, dimension);
    this.session = sessions.open(spec.versionedId(), batched);

    int rows = maxBatch * (flip ? 2 : 1);
    this.input = ByteBuffer.allocateDirect(rows * 3 * PLANE * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    this.output = ByteBuffer.allocateDirect(rows * dimension * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    this.inputTensors = new OnnxTensor[rows + 1];
    this.outputTensors = new Map[rows + 1];
  }

  public int dimension() {
    return dimension;
  }

  public int maxBatch() {
    return maxBatch;
  }

  /**
   * Embeds up to {@link #maxBatch()} faces in one run.
   *
   * @return one unit-length vector per face, in order
   */
  public synchronized float[][] embed(List<AlignedFace> faces) {
    if (faces.isEmpty()) {
      return new float[0][];
    }
    if (faces.size() > maxBatch) {
      throw new IllegalArgumentException("at most " + maxBatch + " faces per run, got " + faces.size());
    }
    int rows = faces.size() * (flip ? 2 : 1);
    for (int i = 0; i < faces.size(); i++) {
      byte[] bgr = faces.get(i).bgr();
      writeFace(bgr, i * (flip ? 2 : 1), false);
      if (flip) {
        writeFace(bgr, 2 * i + 1, true);
      }
    }
    try (OrtSession.Result ignored = session.run(Map.of(inputName, inputTensor(rows)), outputTensors(rows))) {
      float[][] vectors = new float[faces.size()][dimension];
      for (int i = 0; i < faces.size(); i++) {
        float[] vector = vectors[i];
        if (flip) {
          for (int d = 0; d < dimension; d++) {
            vector[d] = output.get(2 * i * dimension + d) + output.get((2 * i + 1) * dimension + d);
          }
        } else {
          output.get(i * dimension, vector);
        }
        normalise(vector);
      }
      return vectors;
    } catch (OrtException e) {
      throw new InferenceException("the embedding model failed on a batch of " + faces.size(), e);
    }
  }

  /** Writes one face as planar, normalised floats at the given batch row. */
  private void writeFace(byte[] bgr, int row, boolean mirrored) {
    int base = row * 3 * PLANE;
    // The aligned face is BGR; the model may want RGB.
    int first = rgb ? 2 : 0;
    int last = rgb ? 0 : 2;
    float[] lut0 = lookup[0];
    float[] lut1 = lookup[1];
    float[] lut2 = lookup[2];
    for (int y = 0; y < AlignedFace.SIZE; y++) {
      for (int x = 0; x < AlignedFace.SIZE; x++) {
        int sourceX = mirrored ? AlignedFace.SIZE - 1 - x : x;
        int pixel = (y * AlignedFace.SIZE + sourceX) * 3;
        int target = base + y * AlignedFace.SIZE + x;
        input.put(target, lut0[bgr[pixel + first] & 0xff]);
        input.put(target + PLANE, lut1[bgr[pixel + 1] & 0xff]);
        input.put(target + 2 * PLANE, lut2[bgr[pixel + last] & 0xff]);
      }
    }
  }

  private OnnxTensor inputTensor(int rows) throws OrtException {
    if (inputTensors[rows] == null) {
      inputTensors[rows] = OnnxTensor.createTensor(sessions.environment(), input.slice(0, rows * 3 * PLANE),
          new long[] {rows, 3, AlignedFace.SIZE, AlignedFace.SIZE});
    }
    return inputTensors[rows];
  }

  private Map<String, OnnxTensor> outputTensors(int rows) throws OrtException {
    if (outputTensors[rows] == null) {
      outputTensors[rows] = Map.of(outputName, OnnxTensor.createTensor(sessions.environment(),
          output.slice(0, rows * dimension), new long[] {rows, dimension}));
    }
    return outputTensors[rows];
  }

  private static void normalise(float[] vector) {
    double sum = 0;
    for (float v : vector) {
      sum += v * v;
    }
    float inverse = sum > 0 ? (float) (1.0 / Math.sqrt(sum)) : 0f;
    for (int i = 0; i < vector.length; i++) {
      vector[i] *= inverse;
    }
  }

  @Override
  public synchronized void close() throws OrtException {
    for (OnnxTensor tensor : inputTensors) {
      if (tensor != null) {
        tensor.close();
      }
    }
    for (Map<String, OnnxTensor> tensors : outputTensors) {
      if (tensors != null) {
        tensors.values().forEach(OnnxTensor::close);
      }
    }
    session.close();
  }
}
