package dev.visage.server.inference;

/**
 * How ONNX Runtime sessions are set up.
 *
 * @param device the execution provider asked for; CUDA falls back to the CPU, with a warning, where
 *     it cannot be used
 * @param cudaDeviceId which GPU, when several
 * @param intraOpThreads threads each model run may use
 */
public record InferenceSettings(ExecutionDevice device, int cudaDeviceId, int intraOpThreads) {

  public InferenceSettings {
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
    }
  }
}
