package dev.visage.server.inference;

/** Where ONNX Runtime runs the models. */
public enum ExecutionDevice {
  /** The CPU execution provider: always available. */
  CPU,
  /** NVIDIA GPUs through the CUDA execution provider, when CUDA 12 and cuDNN 9 are installed. */
  CUDA
}
