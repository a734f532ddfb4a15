package dev.visage.server.inference;

/**
 * How ONNX Runtime sessions are set up.
 *
 * @param device the execution provider asked for; CUDA falls back to the CPU, with a warning, where
 *     it cannot be used
 * @param cudaDeviceId which GPU, when several
 * @param intraOpThreads the threads of the one ONNX Runtime pool all model runs share
 * @param spinWait whether ONNX Runtime's threads spin while waiting for work: lower latency, but they
 *     burn CPU that decoding and other requests could use
 */
public record InferenceSettings(ExecutionDevice device, int cudaDeviceId, int intraOpThreads, boolean spinWait) {

  public InferenceSettings {
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
    }
  }
}
