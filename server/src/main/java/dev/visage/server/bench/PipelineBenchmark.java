package dev.visage.server.bench;

import dev.visage.server.Engine;
import dev.visage.server.gallery.Gallery;
import dev.visage.server.inference.FaceDetection;
import dev.visage.server.recognition.FacePipeline;
import dev.visage.server.vision.AlignedFace;
import dev.visage.server.vision.BgrImage;
import dev.visage.server.vision.FaceAligner;
import dev.visage.server.vision.ImageDecoder;
import dev.visage.server.vision.ImageInput;
import dev.visage.server.vision.ImageLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The recognition pipeline on real photos, stage by stage and end to end, side by side with the
 * reference (the same models through OpenCV, see {@link OpenCvReference}). Both sides run in the
 * same process, interleaved round by round, and the figures are medians over the rounds.
 */
public final class PipelineBenchmark {

  private final Engine engine;
  private final Gallery gallery;
  private final Supplier<OpenCvReference> reference;
  private final List<byte[]> photos;

  /**
   * @param gallery searched for every face, as Identify does
   * @param reference makes one reference pipeline (one per thread)
   */
  public PipelineBenchmark(Engine engine, Gallery gallery, Supplier<OpenCvReference> reference, List<byte[]> photos) {
    this.engine = engine;
    this.gallery = gallery;
    this.reference = reference;
    this.photos = photos;
  }

  /** Median and mean milliseconds per photo of one stage. */
  public record Stage(String name, double medianMs, double meanMs) {
    static Stage of(String name, List<Double> times) {
      return new Stage(name, Stats.median(times), times.stream().mapToDouble(Double::doubleValue).average().orElse(0));
    }
  }

  /** Each stage's time per photo, one photo at a time. */
  public record Stages(int photos, int faces, List<Stage> stages) {}

  public Stages stages(int rounds) throws Exception {
    List<Double> decode = new ArrayList<>();
    List<Double> detect = new ArrayList<>();
    List<Double> align = new ArrayList<>();
    List<Double> embed = new ArrayList<>();
    List<Double> search = new ArrayList<>();
    ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    FaceAligner aligner = new FaceAligner();
    int faces = 0;
    for (int round = 0; round < rounds; round++) {
      faces = 0;
      for (byte[] photo : photos) {
        long t0 = System.nanoTime();
        try (BgrImage image = decoder.decode(ImageInput.Encoded.of(photo))) {
          long t1 = System.nanoTime();
          List<FaceDetection> found = engine.detector().detect(image);
          long t2 = System.nanoTime();
          List<AlignedFace> crops = new ArrayList<>(found.size());
          for (FaceDetection face : found) {
            crops.add(aligner.align(image, face.landmarks()));
          }
          long t3 = System.nanoTime();
          List<float[]> vectors = new ArrayList<>();
          for (int i = 0; i < crops.size(); i += engine.embedder().maxBatch()) {
            vectors.addAll(List.of(engine.embedder().embed(crops.subList(i, Math.min(crops.size(), i + engine.embedder().maxBatch())))));
          }
          long t4 = System.nanoTime();
          for (float[] vector : vectors) {
            gallery.search(vector, 3);
          }
          long t5 = System.nanoTime();
          faces += found.size();
          decode.add((t1 - t0) / 1e6);
          detect.add((t2 - t1) / 1e6);
          align.add((t3 - t2) / 1e6);
          embed.add((t4 - t3) / 1e6);
          search.add((t5 - t4) / 1e6);
        }
      }
    }
    return new Stages(photos.size(), faces, List.of(
        Stage.of("decode", decode),
        Stage.of("detect (YuNet, longer side at most 640)", detect),
        Stage.of("align (every face of the photo)", align),
        Stage.of("embed (MobileFaceNet, one batch per photo)", embed),
        Stage.of("search (HNSW, every face of the photo)", search)));
  }

  /** Faces per second of one round on each side, and their medians. */
  public record Throughput(int concurrency, int facesPerRound, List<Double> ours, List<Double> reference) {
    public double oursMedian() {
      return Stats.median(ours);
    }

    public double referenceMedian() {
      return Stats.median(reference);
    }

    /** The median of the rounds' ratios: each round's pair ran back to back on the same machine. */
    public double ratio() {
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < ours.size(); i++) {
        ratios.add(ours.get(i) / reference.get(i));
      }
      return Stats.median(ratios);
    }
  }

  /**
   * Decode, detect, align and embed every face of every photo with {@code concurrency} requests at
   * a time, rounds alternating between Visage and the reference.
   */
  public Throughput throughput(int concurrency, int rounds) throws Exception {
    List<Double> ours = new ArrayList<>();
    List<Double> theirs = new ArrayList<>();
    List<OpenCvReference> references = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      references.add(reference.get());
    }
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    int faces = 0;
    try {
      // One untimed round each, to warm up.
      runRound(pool, concurrency, worker -> this::ours);
      runRound(pool, concurrency, worker -> references.get(worker)::process);
      for (int round = 0; round < rounds; round++) {
        long start = System.nanoTime();
        faces = runRound(pool, concurrency, worker -> this::ours);
        ours.add(faces / ((System.nanoTime() - start) / 1e9));
        start = System.nanoTime();
        int referenceFaces = runRound(pool, concurrency, worker -> references.get(worker)::process);
        theirs.add(referenceFaces / ((System.nanoTime() - start) / 1e9));
        if (referenceFaces != faces) {
          throw new IllegalStateException("the reference found " + referenceFaces + " faces and Visage " + faces
              + ": they should see the same faces");
        }
      }
    } finally {
      pool.shutdownNow();
      references.forEach(OpenCvReference::close);
    }
    return new Throughput(concurrency, faces, ours, theirs);
  }

  private interface PhotoProcessor {
    int process(byte[] photo) throws Exception;
  }

  private int runRound(ExecutorService pool, int workers, java.util.function.IntFunction<PhotoProcessor> processorOf)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Future<Integer>> done = new ArrayList<>();
    for (int worker = 0; worker < workers; worker++) {
      PhotoProcessor processor = processorOf.apply(worker);
      done.add(pool.submit(() -> {
        int faces = 0;
        for (int i; (i = next.getAndIncrement()) < photos.size(); ) {
          faces += processor.process(photos.get(i));
        }
        return faces;
      }));
    }
    int faces = 0;
    for (Future<Integer> worker : done) {
      faces += worker.get();
    }
    return faces;
  }

  /** Visage's path for one photo: the server's pipeline, embeddings batched across requests. */
  private int ours(byte[] photo) throws Exception {
    try (FacePipeline.Image image = engine.pipeline().open(ImageInput.Encoded.of(photo))) {
      List<FaceDetection> faces = image.detect(engine.pipeline().defaultMinDetectionScore());
      image.embed(faces);
      return faces.size();
    }
  }

  /** Faces per second embedding crops in batches against one at a time (same crops, same model). */
  public record Batching(int faces, int batch, List<Double> batched, List<Double> single) {
    public double ratio() {
      return Stats.median(batched) / Stats.median(single);
    }
  }

  public Batching batching(int rounds) throws Exception {
    ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    FaceAligner aligner = new FaceAligner();
    List<AlignedFace> crops = new ArrayList<>();
    for (byte[] photo : photos) {
      try (BgrImage image = decoder.decode(ImageInput.Encoded.of(photo))) {
        for (FaceDetection face : engine.detector().detect(image)) {
          crops.add(aligner.align(image, face.landmarks()));
        }
      }
    }
    int batch = engine.embedder().maxBatch();
    List<Double> batched = new ArrayList<>();
    List<Double> single = new ArrayList<>();
    for (int round = 0; round <= rounds; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < crops.size(); i += batch) {
        engine.embedder().embed(crops.subList(i, Math.min(crops.size(), i + batch)));
      }
      double batchedRate = crops.size() / ((System.nanoTime() - start) / 1e9);
      start = System.nanoTime();
      for (AlignedFace crop : crops) {
        engine.embedder().embed(List.of(crop));
      }
      double singleRate = crops.size() / ((System.nanoTime() - start) / 1e9);
      if (round > 0) { // round 0 warms up
        batched.add(batchedRate);
        single.add(singleRate);
      }
    }
    return new Batching(crops.size(), batch, batched, single);
  }

  public static Table stagesTable(Stages stages) {
    Table table = new Table("stage", "median ms per photo", "mean ms per photo", "share of the time");
    double total = stages.stages().stream().mapToDouble(Stage::meanMs).sum();
    for (Stage stage : stages.stages()) {
      table.add(stage.name(), f(stage.medianMs()), f(stage.meanMs()),
          String.format(Locale.ROOT, "%.0f %%", 100 * stage.meanMs() / total));
    }
    return table.add("all stages", "", f(total), "100 %");
  }

  public static Table throughputTable(List<Throughput> rows) {
    Table table = new Table("concurrent requests", "Visage faces/s", "OpenCV reference faces/s",
        "ratio (median of rounds)", "rounds", "faces per round");
    for (Throughput row : rows) {
      table.add(row.concurrency(), f(row.oursMedian()), f(row.referenceMedian()),
          String.format(Locale.ROOT, "%.2fx", row.ratio()), row.ours().size(), row.facesPerRound());
    }
    return table;
  }

  public static Table batchingTable(Batching batching) {
    return new Table("embedding", "faces/s (median)")
        .add("batches of " + batching.batch(), f(Stats.median(batching.batched())))
        .add("one face per run", f(Stats.median(batching.single())))
        .add("gain", String.format(Locale.ROOT, "%.2fx", batching.ratio()));
  }

  private static String f(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
