package dev.visage.server.cli;

import dev.visage.server.Engine;
import dev.visage.server.bench.MachineInfo;
import dev.visage.server.bench.OpenCvReference;
import dev.visage.server.bench.Photos;
import dev.visage.server.bench.PipelineBenchmark;
import dev.visage.server.config.ServerOptions;
import dev.visage.server.config.ServerSettings;
import dev.visage.server.gallery.FaceOrigin;
import dev.visage.server.gallery.LuceneGallery;
import dev.visage.server.gallery.NewFace;
import dev.visage.server.inference.FaceDetection;
import dev.visage.server.models.ModelManifest;
import dev.visage.server.models.ModelResolver;
import dev.visage.server.recognition.FacePipeline;
import dev.visage.server.vision.ImageInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code visage bench pipeline}: per-stage times and faces per second against OpenCV's reference. */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = {"Run the recognition pipeline over photos: median time of each stage, the gain of batched "
        + "embedding, and faces per second at 1 and more concurrent requests, against the same models run "
        + "through OpenCV (FaceDetectorYN, FaceRecognizerSF.alignCrop, the DNN module) in the same run.",
        "The server options below set up Visage's side (threads, batching, detection size)."})
final class PipelineBenchCommand implements Callable<Integer> {

  @Option(names = "--photos", required = true, description = "A folder of photos (searched recursively).")
  Path photos;

  @Option(names = "--concurrency", split = ",", defaultValue = "1,4", description = "Concurrent requests. Default: ${DEFAULT-VALUE}.")
  int[] concurrency;

  @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds per side (interleaved). Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(names = "--markdown", description = "Also write the tables, with the machine's description, to this file.")
  Path markdown;

  @Mixin
  ServerOptions server;

  @Override
  public Integer call() throws Exception {
    ServerSettings settings = server.toSettings();
    List<Path> files = Photos.under(photos);
    List<byte[]> bytes = Photos.read(files);
    Path scratch = Files.createTempDirectory("visage-bench");
    ModelManifest manifest = ModelManifest.bundled();
    ModelResolver resolver = new ModelResolver(settings.models().modelDir(), settings.models().mirrors(), settings.models().offline());
    Path referenceDetector = resolver.resolve(manifest.byId("yunet_s_640"));
    Path embedderFile = resolver.resolve(manifest.byId(settings.models().embedder()));

    try (Engine engine = Engine.load(settings);
        LuceneGallery gallery = LuceneGallery.open(scratch.resolve("gallery"), engine.embedderSpec().versionedId(),
            engine.embedder().dimension(), settings.storage().vectors())) {
      enrollEveryPhoto(engine, gallery, bytes);
      PipelineBenchmark benchmark = new PipelineBenchmark(engine, gallery, () -> new OpenCvReference(referenceDetector,
          embedderFile, engine.embedderSpec(), settings.detector().scoreThreshold(), settings.detector().maxWorkingSide()), bytes);
      String machine = MachineInfo.current().describe(engine.device().name());
      String setup = String.format(java.util.Locale.ROOT, "%d photos from %s; Visage: %d thread(s) per model run, %d "
              + "detection(s) at once, embedding batches of up to %d; OpenCV %s with its default threads.",
          bytes.size(), photos.getFileName(), settings.inference().intraOpThreads(), settings.detector().concurrency(),
          settings.embedding().batchSize(), org.bytedeco.opencv.global.opencv_core.CV_VERSION());
      System.out.printf("%s%n%s%n%n", machine, setup);

      var stages = PipelineBenchmark.stagesTable(benchmark.stages(3));
      System.out.println(stages.text());
      var batching = PipelineBenchmark.batchingTable(benchmark.batching(rounds));
      System.out.println(batching.text());
      List<PipelineBenchmark.Throughput> rows = new ArrayList<>();
      for (int c : concurrency) {
        rows.add(benchmark.throughput(c, rounds));
        System.out.println(PipelineBenchmark.throughputTable(List.of(rows.get(rows.size() - 1))).text());
      }
      var throughput = PipelineBenchmark.throughputTable(rows);
      if (markdown != null) {
        Files.writeString(markdown, "Machine: " + machine + "\n\n" + setup + "\n\n" + stages.markdown() + "\n"
            + batching.markdown() + "\n" + throughput.markdown());
        System.out.println("Written to " + markdown);
      }
    }
    return 0;
  }

  /** A gallery with one face of every photo, so that each search has neighbours to find. */
  private static void enrollEveryPhoto(Engine engine, LuceneGallery gallery, List<byte[]> photos) throws Exception {
    int n = 0;
    for (byte[] photo : photos) {
      try (FacePipeline.Image image = engine.pipeline().open(ImageInput.Encoded.of(photo))) {
        List<FaceDetection> faces = image.detect(engine.pipeline().defaultMinDetectionScore());
        if (!faces.isEmpty()) {
          FaceDetection face = faces.get(0);
          gallery.createPerson("person " + n++, List.of(new NewFace(image.embed(List.of(face)).get(0),
              new FaceOrigin(face.box().x(), face.box().y(), face.box().width(), face.box().height(),
                  face.landmarks().toArray(), face.score()))));
        }
      }
    }
  }
}
