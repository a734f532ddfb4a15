package dev.visage.server.config;

import dev.visage.server.gallery.VectorIndexSettings.VectorEncoding;
import dev.visage.server.gallery.VectorIndexSettings;
import dev.visage.server.gallery.solr.SolrSettings;
import dev.visage.server.inference.DetectorSettings;
import dev.visage.server.inference.ExecutionDevice;
import dev.visage.server.inference.InferenceSettings;
import dev.visage.server.live.LiveSettings;
import dev.visage.server.recognition.EnrollmentPolicy;
import dev.visage.server.security.AuthMode;
import dev.visage.server.security.SecuritySettings;
import dev.visage.server.tracking.TrackingSettings;
import dev.visage.server.vision.ImageLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The server's settings as command-line options. This is the one place that names every setting
 * and its default; each option can also be set with an environment variable, {@code VISAGE_}
 * followed by the option's name in capitals with dashes as underscores ({@code --max-message-bytes}
 * is {@code VISAGE_MAX_MESSAGE_BYTES}). A flag given on the command line wins over the variable.
 */
public final class ServerOptions {

  private static final int CORES = Runtime.getRuntime().availableProcessors();

  @Option(names = "--config", description = "A properties file of settings, one per line, named as the options "
      + "without their dashes (port = 50051). Flags and VISAGE_ variables win over it; VISAGE_CONFIG names it too.")
  Path config;

  // -- network
  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only); 0.0.0.0 for every interface.")
  String host;

  @Option(names = "--port", defaultValue = "50051", description = "gRPC port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--max-message-bytes", defaultValue = "16777216",
      description = "Largest request message accepted, in bytes. Default: ${DEFAULT-VALUE} (16 MiB).")
  int maxMessageBytes;

  @Option(names = "--max-concurrent-requests", defaultValue = "64",
      description = "Calls beyond this many at once are refused with RESOURCE_EXHAUSTED. Default: ${DEFAULT-VALUE}.")
  int maxConcurrentRequests;

  @Option(names = "--shutdown-grace-seconds", defaultValue = "10",
      description = "On shutdown, how long calls in progress may take to finish. Default: ${DEFAULT-VALUE}.")
  int shutdownGraceSeconds;

  @Option(names = "--metrics-port", defaultValue = "9464",
      description = "Port of the Prometheus metrics endpoint (http://HOST:PORT/metrics); 0 picks a free one, -1 turns it off. Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(names = "--metrics-host", description = "Address of the metrics endpoint. Default: the same as --host.")
  String metricsHost;

  // -- security
  @Option(names = "--tls-cert", description = "Serve TLS with this certificate chain (PEM). Needs --tls-key.")
  Path tlsCert;

  @Option(names = "--tls-key", description = "The private key of --tls-cert (PEM, PKCS#8).")
  Path tlsKey;

  @Option(names = "--tls-client-ca", description = "Mutual TLS: clients must present a certificate signed by this CA (PEM).")
  Path tlsClientCa;

  @Option(names = "--auth", defaultValue = "AUTO",
      description = "When calls need an API key: AUTO (as soon as a key exists), KEYS (always), NONE (never). Default: ${DEFAULT-VALUE}.")
  AuthMode auth;

  @Option(names = "--api-keys-file", description = "The hashed API keys (made with 'visage keys'). Default: <data-dir>/api-keys.json.")
  Path apiKeysFile;

  @Option(names = "--allow-plaintext", defaultValue = "false",
      description = "Allow listening beyond loopback without TLS (a proxy in front encrypts the traffic).")
  boolean allowPlaintext;

  @Option(names = "--allow-unauthenticated", defaultValue = "false",
      description = "Allow listening beyond loopback without API keys (the network itself is trusted).")
  boolean allowUnauthenticated;

  // -- storage
  @Option(names = "--data-dir", defaultValue = "visage-data",
      description = "Where the gallery (and, unless --model-dir says otherwise, the models) live. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--hnsw-max-connections", defaultValue = "64",
      description = "HNSW graph: neighbours per node (M). Default: ${DEFAULT-VALUE}.")
  int hnswMaxConnections;

  @Option(names = "--hnsw-beam-width", defaultValue = "100",
      description = "HNSW graph: candidates examined per insertion. Default: ${DEFAULT-VALUE}.")
  int hnswBeamWidth;

  @Option(names = "--vector-encoding", defaultValue = "FLOAT32",
      description = "How vectors are stored for search: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
  VectorEncoding vectorEncoding;

  @Option(names = "--search-k", defaultValue = "100",
      description = "Nearest faces the graph search collects before grouping them by person: more finds the "
          + "true nearest face more often, and takes longer (see docs/BENCHMARKS.md). Default: ${DEFAULT-VALUE}.")
  int searchK;

  // -- gallery on SolrCloud
  @Option(names = "--gallery", defaultValue = "EMBEDDED",
      description = "Where the gallery lives: EMBEDDED (a Lucene index in --data-dir, one server) or SOLRCLOUD "
          + "(a collection several servers share; needs --solr-zk-hosts or --solr-urls). Default: ${DEFAULT-VALUE}.")
  GalleryKind gallery;

  @Option(names = "--solr-zk-hosts", paramLabel = "HOST:PORT[,...][/CHROOT]",
      description = "SolrCloud's ZooKeeper ensemble, e.g. zk1:2181,zk2:2181,zk3:2181/solr.")
  String solrZkHosts;

  @Option(names = "--solr-urls", split = ",", paramLabel = "URL",
      description = "Solr node URLs instead of ZooKeeper, e.g. https://solr1:8983/solr,https://solr2:8983/solr.")
  List<String> solrUrls = new ArrayList<>();

  @Option(names = "--solr-collection", defaultValue = "visage-gallery",
      description = "The collection holding the gallery. Default: ${DEFAULT-VALUE}.")
  String solrCollection;

  @Option(names = "--solr-shards", defaultValue = "2",
      description = "Shards of a collection the server creates (about one per 5 million faces; see docs/SOLRCLOUD.md). "
          + "Default: ${DEFAULT-VALUE}.")
  int solrShards;

  @Option(names = "--solr-replicas", defaultValue = "2",
      description = "Copies of each shard in a collection the server creates; 2 or more survive the loss of a node. "
          + "Default: ${DEFAULT-VALUE}.")
  int solrReplicas;

  @Option(names = "--solr-create-collection", defaultValue = "true", fallbackValue = "true", arity = "0..1",
      description = "Create the collection (and its config set) when it is missing. Default: ${DEFAULT-VALUE}.")
  boolean solrCreateCollection;

  @Option(names = "--solr-user", description = "Basic-auth user for Solr.")
  String solrUser;

  @Option(names = "--solr-password", description = "Basic-auth password for Solr (better in VISAGE_SOLR_PASSWORD).")
  String solrPassword;

  @Option(names = "--solr-truststore", description = "TLS to Solr: trust store (JKS or PKCS12) with the CA of Solr's certificates.")
  Path solrTruststore;

  @Option(names = "--solr-truststore-password", description = "The trust store's password.")
  String solrTruststorePassword;

  @Option(names = "--solr-keystore", description = "Mutual TLS to Solr: key store with this server's client certificate.")
  Path solrKeystore;

  @Option(names = "--solr-keystore-password", description = "The key store's password.")
  String solrKeystorePassword;

  @Option(names = "--solr-timeout-seconds", defaultValue = "30",
      description = "The longest one request to Solr may take. Default: ${DEFAULT-VALUE}.")
  int solrTimeoutSeconds;

  // -- models
  @Option(names = "--model-dir", description = "Where model files are kept and downloaded to. Default: <data-dir>/models.")
  Path modelDir;

  @Option(names = "--model-mirror", split = ",", paramLabel = "DIR|URL",
      description = "Directories or base URLs holding the model files, tried before their sources (repeatable, or comma-separated).")
  List<String> modelMirrors = new ArrayList<>();

  @Option(names = "--offline", defaultValue = "false", description = "Never download models.")
  boolean offline;

  @Option(names = "--detector", defaultValue = "yunet_s", description = "Detector model (manifest id). Default: ${DEFAULT-VALUE}.")
  String detector;

  @Option(names = "--embedder", defaultValue = "mobilefacenet", description = "Embedding model (manifest id). Default: ${DEFAULT-VALUE}.")
  String embedder;

  // -- inference
  @Option(names = "--device", defaultValue = "CPU",
      description = "Where the models run: ${COMPLETION-CANDIDATES}. CUDA falls back to the CPU, with a warning, when it cannot be used. Default: ${DEFAULT-VALUE}.")
  ExecutionDevice device;

  @Option(names = "--cuda-device-id", defaultValue = "0", description = "Which GPU, with --device CUDA. Default: ${DEFAULT-VALUE}.")
  int cudaDeviceId;

  @Option(names = "--inference-threads", description = "Threads of the pool all model runs share. Default: the number of cores.")
  Integer inferenceThreads;

  @Option(names = "--inference-spin-wait", defaultValue = "false",
      description = "Let ONNX Runtime's threads spin while waiting for work: lower latency, more CPU used.")
  boolean inferenceSpinWait;

  @Option(names = "--detector-concurrency", description = "Images detected at once. Default: 2, or 1 on a single core.")
  Integer detectorConcurrency;

  @Option(names = "--detection-size", defaultValue = "640",
      description = "Images are scaled down so their longer side is at most this before detection. Default: ${DEFAULT-VALUE}.")
  int detectionSize;

  @Option(names = "--min-detection-score", defaultValue = "0.9", description = "Default minimum face detection score. Default: ${DEFAULT-VALUE}.")
  float minDetectionScore;

  @Option(names = "--nms-threshold", defaultValue = "0.3", description = "Overlap (IoU) above which the weaker of two boxes is dropped. Default: ${DEFAULT-VALUE}.")
  float nmsThreshold;

  @Option(names = "--embed-batch-size", defaultValue = "16", description = "Most faces per embedding run. Default: ${DEFAULT-VALUE}.")
  int embedBatchSize;

  @Option(names = "--embed-batch-wait-micros", defaultValue = "2000",
      description = "How long a face waits for others to share its embedding run. Default: ${DEFAULT-VALUE}.")
  int embedBatchWaitMicros;

  @Option(names = "--embed-flip", defaultValue = "false", description = "Also embed each face mirrored and sum the two vectors.")
  boolean embedFlip;

  // -- recognition
  @Option(names = "--threshold", description = "Default cosine similarity needed for a match. Default: the embedding model's calibrated threshold (see models/manifest.json).")
  Float threshold;

  @Option(names = "--min-enroll-face-size", defaultValue = "48", description = "Smallest face enrolled, in pixels (box's shorter side). Default: ${DEFAULT-VALUE}.")
  float minEnrollFaceSize;

  @Option(names = "--min-enroll-score", defaultValue = "0.9", description = "Lowest detection score enrolled. Default: ${DEFAULT-VALUE}.")
  float minEnrollScore;

  @Option(names = "--max-faces-per-image", defaultValue = "200", description = "Most faces reported or identified per image. Default: ${DEFAULT-VALUE}.")
  int maxFacesPerImage;

  @Option(names = "--max-image-bytes", defaultValue = "16777216", description = "Largest encoded image accepted, in bytes. Default: ${DEFAULT-VALUE}.")
  long maxImageBytes;

  @Option(names = "--max-image-pixels", defaultValue = "40000000", description = "Largest image decoded, in pixels (width x height). Default: ${DEFAULT-VALUE}.")
  long maxImagePixels;

  // -- live streams and cameras
  @Option(names = "--max-streams", defaultValue = "16", description = "Recognize streams at once; more are refused with RESOURCE_EXHAUSTED. Default: ${DEFAULT-VALUE}.")
  int maxStreams;

  @Option(names = "--stream-config-timeout-seconds", defaultValue = "10",
      description = "A stream whose StreamConfig has not arrived by then is closed. Default: ${DEFAULT-VALUE}.")
  int streamConfigTimeoutSeconds;

  @Option(names = "--stream-min-detection-score", defaultValue = "0.7",
      description = "Streams' and cameras' default minimum detection score (video frames are blurrier than photos). Default: ${DEFAULT-VALUE}.")
  float streamMinDetectionScore;

  @Option(names = "--live-workers", description = "Threads processing frames of all streams and cameras. Default: the number of cores.")
  Integer liveWorkers;

  @Option(names = "--track-min-iou", defaultValue = "0.3",
      description = "A face continues a track when it overlaps the track's predicted box by this IoU. Default: ${DEFAULT-VALUE}.")
  float trackMinIou;

  @Option(names = "--track-max-missed-frames", defaultValue = "15",
      description = "A track unseen for more processed frames than this ends. Default: ${DEFAULT-VALUE}.")
  int trackMaxMissedFrames;

  @Option(names = "--track-reembed-frames", defaultValue = "30",
      description = "A track is embedded again after this many frames even if its view has not improved. Default: ${DEFAULT-VALUE}.")
  int trackReembedFrames;

  @Option(names = "--track-max-votes", defaultValue = "16",
      description = "A track's identity is voted over at most this many of its latest embeddings. Default: ${DEFAULT-VALUE}.")
  int trackMaxVotes;

  @Option(names = "--track-min-embed-size", defaultValue = "24",
      description = "Faces smaller than this (px) are tracked but not embedded until they grow. Default: ${DEFAULT-VALUE}.")
  float trackMinEmbedSize;

  @Option(names = "--track-split-similarity", defaultValue = "0.2",
      description = "A track whose new embedding is less similar than this to its earlier ones is split: another person took its place. Default: ${DEFAULT-VALUE}.")
  float trackSplitSimilarity;

  @Option(names = "--track-cut-threshold", defaultValue = "20",
      description = "A frame this different from the previous one (mean grey level 0-255 on a thumbnail) is a new shot and ends every track. Default: ${DEFAULT-VALUE}.")
  float trackCutThreshold;

  /** The settings these options describe. */
  public ServerSettings toSettings() {
    int threads = inferenceThreads != null ? inferenceThreads : CORES;
    int concurrency = detectorConcurrency != null ? detectorConcurrency : Math.min(2, CORES);
    return new ServerSettings(
        new ServerSettings.Network(host, port, maxMessageBytes, maxConcurrentRequests, Duration.ofSeconds(shutdownGraceSeconds),
            metricsHost, metricsPort),
        new ServerSettings.Models(modelDir != null ? modelDir : dataDir.resolve("models"), List.copyOf(modelMirrors),
            offline, detector, embedder),
        new InferenceSettings(device, cudaDeviceId, threads, inferenceSpinWait),
        new DetectorSettings(detectionSize, minDetectionScore, nmsThreshold, 5000, concurrency),
        new ServerSettings.Embedding(embedBatchSize, Duration.ofNanos(embedBatchWaitMicros * 1000L), embedFlip),
        new ServerSettings.Recognition(threshold,
            new EnrollmentPolicy(minEnrollFaceSize, minEnrollScore, Math.min(0.5f, minEnrollScore)), maxFacesPerImage),
        new ServerSettings.Storage(dataDir.resolve("gallery"),
            new VectorIndexSettings(hnswMaxConnections, hnswBeamWidth, vectorEncoding, searchK),
            dataDir.resolve("cameras.json"), solr()),
        new ImageLimits(maxImageBytes, maxImagePixels),
        new LiveSettings(maxStreams, Duration.ofSeconds(streamConfigTimeoutSeconds), streamMinDetectionScore,
            liveWorkers != null ? liveWorkers : CORES,
            new TrackingSettings(trackMinIou, trackMaxMissedFrames, trackReembedFrames, trackMaxVotes,
                trackMinEmbedSize, trackSplitSimilarity, trackCutThreshold)),
        security());
  }

  /** The SolrCloud settings when --gallery is SOLRCLOUD, else null. */
  public SolrSettings solr() {
    if (gallery != GalleryKind.SOLRCLOUD) {
      if (solrZkHosts != null || !solrUrls.isEmpty()) {
        throw new IllegalArgumentException("--solr-zk-hosts and --solr-urls need --gallery SOLRCLOUD");
      }
      return null;
    }
    List<String> zkHosts = List.of();
    String chroot = null;
    if (solrZkHosts != null && !solrZkHosts.isBlank()) {
      String[] hostsAndChroot = SolrSettings.splitChroot(solrZkHosts.strip());
      zkHosts = List.of(hostsAndChroot[0].split(","));
      chroot = hostsAndChroot[1];
    }
    return new SolrSettings(zkHosts, chroot, solrUrls, solrCollection, solrShards, solrReplicas, solrCreateCollection,
        solrUser, solrPassword, solrTruststore, solrTruststorePassword, solrKeystore, solrKeystorePassword,
        Duration.ofSeconds(solrTimeoutSeconds));
  }

  /** Where the gallery lives. */
  public enum GalleryKind {
    EMBEDDED,
    SOLRCLOUD
  }

  /** The settings file named by --config (or VISAGE_CONFIG), or none. */
  public SettingsFile settingsFile() {
    if (config != null) {
      return SettingsFile.read(config);
    }
    String named = System.getenv("VISAGE_CONFIG");
    return named == null || named.isBlank() ? SettingsFile.none() : SettingsFile.read(Path.of(named));
  }

  /** The security settings alone, for commands that manage keys without starting a server. */
  public SecuritySettings security() {
    return new SecuritySettings(tlsCert, tlsKey, tlsClientCa, auth,
        apiKeysFile != null ? apiKeysFile : dataDir.resolve("api-keys.json"), allowPlaintext, allowUnauthenticated);
  }

  /**
   * Parses options as the command line would (environment variables included) and returns the
   * settings: handy for embedding the server or testing it. A flag given twice takes the later value.
   */
  public static ServerSettings parse(String... args) {
    ServerOptions options = new ServerOptions();
    CommandLine line = new CommandLine(options).setDefaultValueProvider(defaults(SettingsFile.fromArguments(args)));
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.setOverwrittenOptionsAllowed(true); // a later flag replaces an earlier one
    line.parseArgs(args);
    return options.toSettings();
  }

  /**
   * Defaults from {@code VISAGE_*} environment variables, then from the settings file, each named
   * after the option; null (the option's own default) when neither has it.
   */
  public static CommandLine.IDefaultValueProvider defaults(SettingsFile file) {
    return argument -> {
      if (argument instanceof OptionSpec option) {
        String value = System.getenv(environmentName(option));
        if (value != null && !value.isBlank()) {
          return value;
        }
        return file.get(fileName(option));
      }
      return null;
    };
  }

  /** {@code --max-message-bytes} is {@code max-message-bytes} in a settings file. */
  public static String fileName(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  /** {@code --max-message-bytes} is {@code VISAGE_MAX_MESSAGE_BYTES}. */
  public static String environmentName(OptionSpec option) {
    return "VISAGE_" + option.longestName().replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }
}
