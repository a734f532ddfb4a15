package dev.visage.server.config;

import dev.visage.server.gallery.VectorIndexSettings;
import dev.visage.server.gallery.solr.SolrSettings;
import dev.visage.server.inference.DetectorSettings;
import dev.visage.server.inference.InferenceSettings;
import dev.visage.server.live.LiveSettings;
import dev.visage.server.recognition.EnrollmentPolicy;
import dev.visage.server.security.SecuritySettings;
import dev.visage.server.vision.ImageLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything the server can be told, grouped by the part it configures. {@link ServerOptions}
 * builds it from flags, environment variables and their defaults.
 */
public record ServerSettings(
    Network network,
    Models models,
    InferenceSettings inference,
    DetectorSettings detector,
    Embedding embedding,
    Recognition recognition,
    Storage storage,
    ImageLimits imageLimits,
    LiveSettings live,
    SecuritySettings security) {

  /**
   * @param host the address to listen on; loopback by default
   * @param port 0 picks a free port
   * @param maxMessageBytes the largest request message accepted
   * @param maxConcurrentRequests calls beyond this are refused with RESOURCE_EXHAUSTED
   * @param shutdownGrace how long calls in progress may take to finish on shutdown
   * @param metricsHost where the Prometheus endpoint listens; null for {@code host}
   * @param metricsPort its port; 0 picks a free one, -1 turns it off
   */
  public record Network(String host, int port, int maxMessageBytes, int maxConcurrentRequests, Duration shutdownGrace,
      String metricsHost, int metricsPort) {

    /** Without a metrics endpoint. */
    public Network(String host, int port, int maxMessageBytes, int maxConcurrentRequests, Duration shutdownGrace) {
      this(host, port, maxMessageBytes, maxConcurrentRequests, shutdownGrace, null, -1);
    }
  }

  /**
   * @param modelDir where model files are kept and downloaded to
   * @param mirrors directories or base URLs holding the model files, tried before the sources
   * @param offline never download
   * @param detector the detector's manifest id
   * @param embedder the embedder's manifest id
   */
  public record Models(Path modelDir, List<String> mirrors, boolean offline, String detector, String embedder) {}

  /**
   * @param batchSize the most faces per embedding run
   * @param batchWait how long the first face of a batch waits for others
   * @param flip also embed each face mirrored and sum the vectors
   */
  public record Embedding(int batchSize, Duration batchWait, boolean flip) {}

  /**
   * @param threshold the default similarity threshold; null for the embedder's calibrated one
   * @param maxFacesPerImage the most faces reported or identified per image
   */
  public record Recognition(Float threshold, EnrollmentPolicy enrollment, int maxFacesPerImage) {}

  /**
   * @param galleryDir the Lucene index's directory
   * @param camerasFile where registered cameras are kept
   * @param solr the SolrCloud gallery's settings, or null for the embedded gallery in {@code galleryDir}
   */
  public record Storage(Path galleryDir, VectorIndexSettings vectors, Path camerasFile, SolrSettings solr) {

    /** An embedded gallery. */
    public Storage(Path galleryDir, VectorIndexSettings vectors, Path camerasFile) {
      this(galleryDir, vectors, camerasFile, null);
    }
  }

  public ServerSettings withNetwork(Network value) {
    return new ServerSettings(value, models, inference, detector, embedding, recognition, storage, imageLimits, live, security);
  }

  public ServerSettings withModels(Models value) {
    return new ServerSettings(network, value, inference, detector, embedding, recognition, storage, imageLimits, live, security);
  }

  public ServerSettings withInference(InferenceSettings value) {
    return new ServerSettings(network, models, value, detector, embedding, recognition, storage, imageLimits, live, security);
  }

  public ServerSettings withDetector(DetectorSettings value) {
    return new ServerSettings(network, models, inference, value, embedding, recognition, storage, imageLimits, live, security);
  }

  public ServerSettings withEmbedding(Embedding value) {
    return new ServerSettings(network, models, inference, detector, value, recognition, storage, imageLimits, live, security);
  }

  public ServerSettings withRecognition(Recognition value) {
    return new ServerSettings(network, models, inference, detector, embedding, value, storage, imageLimits, live, security);
  }

  public ServerSettings withStorage(Storage value) {
    return new ServerSettings(network, models, inference, detector, embedding, recognition, value, imageLimits, live, security);
  }

  public ServerSettings withImageLimits(ImageLimits value) {
    return new ServerSettings(network, models, inference, detector, embedding, recognition, storage, value, live, security);
  }

  public ServerSettings withLive(LiveSettings value) {
    return new ServerSettings(network, models, inference, detector, embedding, recognition, storage, imageLimits, value, security);
  }

  public ServerSettings withSecurity(SecuritySettings value) {
    return new ServerSettings(network, models, inference, detector, embedding, recognition, storage, imageLimits, live, value);
  }
}
