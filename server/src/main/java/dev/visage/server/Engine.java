package dev.visage.server;

import ai.onnxruntime.OrtException;
import dev.visage.server.config.ServerSettings;
import dev.visage.server.inference.EmbeddingBatcher;
import dev.visage.server.inference.ExecutionDevice;
import dev.visage.server.inference.FaceEmbedder;
import dev.visage.server.inference.OnnxSessions;
import dev.visage.server.inference.YuNetDetector;
import dev.visage.server.models.ModelManifest;
import dev.visage.server.models.ModelResolver;
import dev.visage.server.models.ModelSpec;
import dev.visage.server.models.ModelUnavailableException;
import dev.visage.server.recognition.FacePipeline;
import dev.visage.server.vision.FaceAligner;
import dev.visage.server.vision.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models, loaded once and shared by every request: the verified model files, their ONNX
 * Runtime sessions, the detector, the batching embedder, and the pipeline that strings them
 * together with decoding and alignment. Everything but the gallery and the network.
 */
public final class Engine implements AutoCloseable {

  private final ModelSpec detectorSpec;
  private final ModelSpec embedderSpec;
  private final OnnxSessions sessions;
  private final YuNetDetector detector;
  private final FaceEmbedder embedder;
  private final EmbeddingBatcher batcher;
  private final FacePipeline pipeline;

  private Engine(ServerSettings settings) throws ModelUnavailableException, IOException, OrtException {
    ModelManifest manifest = ModelManifest.bundled();
    ServerSettings.Models models = settings.models();
    ModelResolver resolver = new ModelResolver(models.modelDir(), models.mirrors(), models.offline());
    this.detectorSpec = manifest.byId(models.detector());
    this.embedderSpec = manifest.byId(models.embedder());
    Path detectorFile = resolver.resolve(detectorSpec);
    Path embedderFile = resolver.resolve(embedderSpec);

    this.sessions = new OnnxSessions(settings.inference());
    this.detector = new YuNetDetector(sessions, Files.readAllBytes(detectorFile), detectorSpec, settings.detector());
    this.embedder = new FaceEmbedder(sessions, Files.readAllBytes(embedderFile), embedderSpec,
        settings.embedding().batchSize(), settings.embedding().flip());
    // The batcher waits for other requests' faces only while other images are in the pipeline.
    AtomicInteger imagesInPipeline = new AtomicInteger();
    this.batcher = new EmbeddingBatcher(embedder, settings.embedding().batchWait(), imagesInPipeline::get);
    this.pipeline = new FacePipeline(new ImageDecoder(settings.imageLimits()), detector, new FaceAligner(), batcher,
        imagesInPipeline);
  }

  /** Resolves, verifies and loads the models the settings name. */
  public static Engine load(ServerSettings settings) throws ModelUnavailableException, IOException, OrtException {
    return new Engine(settings);
  }

  public FacePipeline pipeline() {
    return pipeline;
  }

  public ModelSpec detectorSpec() {
    return detectorSpec;
  }

  public ModelSpec embedderSpec() {
    return embedderSpec;
  }

  public FaceEmbedder embedder() {
    return embedder;
  }

  public YuNetDetector detector() {
    return detector;
  }

  public EmbeddingBatcher batcher() {
    return batcher;
  }

  /** The device the models actually run on. */
  public ExecutionDevice device() {
    return sessions.effectiveDevice();
  }

  @Override
  public void close() throws InterruptedException, OrtException {
    batcher.close();
    embedder.close();
    detector.close();
  }
}
