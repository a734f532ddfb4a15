package dev.visage.server.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions on the requested device. When CUDA is asked for but cannot be used
 * (no GPU, no CUDA libraries, wrong driver), it says why once and runs on the CPU.
 *
 * <p>All sessions share one process-wide thread pool: a lone request can use every core, and
 * concurrent runs of the two models do not oversubscribe the CPU with two pools of their own
 * (measured with {@code visage bench pipeline}, see docs/BENCHMARKS.md). The pool is made with the
 * first settings a process uses.
 */
public final class OnnxSessions {

  private static final Logger log = LoggerFactory.getLogger(OnnxSessions.class);

  private final OrtEnvironment environment;
  private final InferenceSettings settings;
  private volatile ExecutionDevice effectiveDevice;

  public OnnxSessions(InferenceSettings settings) {
    this.environment = sharedEnvironment(settings);
    this.settings = settings;
    this.effectiveDevice = settings.device();
  }

  private static OrtEnvironment shared;
  private static InferenceSettings sharedWith;

  private static synchronized OrtEnvironment sharedEnvironment(InferenceSettings settings) {
    if (shared == null) {
      try (OrtEnvironment.ThreadingOptions threads = new OrtEnvironment.ThreadingOptions()) {
        threads.setGlobalIntraOpNumThreads(settings.intraOpThreads());
        threads.setGlobalInterOpNumThreads(1);
        threads.setGlobalSpinControl(settings.spinWait());
        shared = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "visage", threads);
        sharedWith = settings;
      } catch (OrtException e) {
        throw new IllegalStateException("ONNX Runtime's thread pool cannot be set up: " + e.getMessage(), e);
      }
    } else if (sharedWith.intraOpThreads() != settings.intraOpThreads() || sharedWith.spinWait() != settings.spinWait()) {
      log.warn("ONNX Runtime's thread pool was set up for {} thread(s) earlier in this process; keeping it",
          sharedWith.intraOpThreads());
    }
    return shared;
  }

  public OrtEnvironment environment() {
    return environment;
  }

  /** The device sessions actually run on: CPU when CUDA was asked for but is not usable. */
  public ExecutionDevice effectiveDevice() {
    return effectiveDevice;
  }

  /**
   * Opens a session for a model given as bytes (possibly edited in memory).
   *
   * @param name the model's name, for logs
   */
  public OrtSession open(String name, byte[] model) throws OrtException {
    try (SessionOptions options = baseOptions()) {
      if (effectiveDevice == ExecutionDevice.CUDA) {
        try {
          options.addCUDA(settings.cudaDeviceId());
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
          effectiveDevice = ExecutionDevice.CPU;
          log.warn("CUDA was asked for but cannot be used here ({}; ONNX Runtime's own error line just "
              + "before this one names what is missing). Running the models on the CPU. For the GPU, install "
              + "the NVIDIA driver, CUDA 12 and cuDNN 9, and check that nvidia-smi lists the device.",
              e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip());
          return open(name, model);
        }
      }
      OrtSession session = environment.createSession(model, options);
      log.info("Loaded {} on {} (a thread pool of {} shared by the models)", name,
          effectiveDevice == ExecutionDevice.CUDA ? "CUDA device " + settings.cudaDeviceId() : "the CPU",
          settings.intraOpThreads());
      return session;
    }
  }

  private SessionOptions baseOptions() throws OrtException {
    SessionOptions options = new SessionOptions();
    options.setOptimizationLevel(OptLevel.ALL_OPT);
    options.setExecutionMode(ExecutionMode.SEQUENTIAL);
    options.disablePerSessionThreads();
    options.addConfigEntry("session.intra_op.allow_spinning", settings.spinWait() ? "1" : "0");
    return options;
  }
}
