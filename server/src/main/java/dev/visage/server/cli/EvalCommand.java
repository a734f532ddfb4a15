package dev.visage.server.cli;

import dev.visage.server.Engine;
import dev.visage.server.bench.MachineInfo;
import dev.visage.server.config.ServerOptions;
import dev.visage.server.config.ServerSettings;
import dev.visage.server.eval.Evaluation;
import dev.visage.server.eval.EvaluationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code visage eval}: verification and identification accuracy on labelled photos. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = {"Measure recognition accuracy on a folder with one sub-folder of photos per person (sub-folders "
        + "starting with _ are skipped), with the server's own models, gallery and match rule.",
        "Verification: the similarity of every pair of photos (largest face of each), the ROC, TAR at FAR 1e-2 and "
        + "1e-3, the equal error rate, and the threshold of each.",
        "Identification: the first usable photo of each person with several is enrolled in a temporary gallery; "
        + "their other photos must be named correctly, and every face of the others (people with one photo, and "
        + "any held out with --hold-out) must come out unknown at the threshold (--threshold, or the model's)."})
final class EvalCommand implements Callable<Integer> {

  @Option(names = "--photos", required = true, description = "A folder with one sub-folder of photos per person.")
  Path photos;

  @Option(names = "--hold-out", defaultValue = "0",
      description = "Also keep this many people with several photos out of the gallery, as strangers. Default: ${DEFAULT-VALUE}.")
  int holdOut;

  @Option(names = "--seed", defaultValue = "1", description = "Chooses who is held out. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--markdown", description = "Also write the tables, with the machine's description, to this file.")
  Path markdown;

  @Mixin
  ServerOptions server;

  @Override
  public Integer call() throws Exception {
    ServerSettings settings = server.toSettings();
    if (!Files.isDirectory(photos)) {
      throw new IllegalArgumentException(photos + " is not a folder; give one with a sub-folder of photos per person");
    }
    try (Engine engine = Engine.load(settings)) {
      float threshold = settings.recognition().threshold() != null
          ? settings.recognition().threshold() : engine.embedderSpec().threshold();
      Evaluation evaluation = new Evaluation(engine, threshold, settings.recognition().enrollment(), settings.storage().vectors());
      EvaluationReport report = evaluation.run(photos, holdOut, seed, Files.createTempDirectory("visage-eval"));
      String models = engine.detectorSpec().versionedId() + " + " + engine.embedderSpec().versionedId();
      String machine = MachineInfo.current().describe(engine.device().name());
      System.out.printf("Models: %s%n%s%n%n%s%n", models, machine, report.text());
      if (markdown != null) {
        Files.writeString(markdown, "Models: " + models + "\n\nMachine: " + machine + "\n\n" + report.markdown());
        System.out.println("Written to " + markdown);
      }
    }
    return 0;
  }
}
