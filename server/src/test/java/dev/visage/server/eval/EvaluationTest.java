package dev.visage.server.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.Engine;
import dev.visage.server.cli.VisageCommand;
import dev.visage.server.gallery.VectorIndexSettings;
import dev.visage.server.recognition.EnrollmentPolicy;
import dev.visage.server.testing.SharedData;
import dev.visage.server.testing.SharedEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accuracy evaluation on the real labelled photos, with real models and a real gallery. */
class EvaluationTest {

  @TempDir
  Path scratch;

  @Test
  void separatesThePeopleAndNamesNoStranger() throws Exception {
    Engine engine = SharedEngine.get();
    float threshold = engine.embedderSpec().threshold();
    EvaluationReport report = new Evaluation(engine, threshold, EnrollmentPolicy.DEFAULT, VectorIndexSettings.DEFAULT)
        .run(SharedData.faces(), 3, 1, scratch);

    Map<String, List<Path>> persons = SharedData.photosByPerson();
    assertEquals(persons.size(), report.persons());
    assertEquals(List.of(), report.photosWithoutFace());
    Verification verification = report.verification();
    assertEquals(55, verification.genuinePairs());
    assertEquals(1121, verification.impostorPairs());
    assertTrue(verification.genuineDistribution().mean() > 0.6, "the same person's faces are alike");
    assertTrue(Math.abs(verification.impostorDistribution().mean()) < 0.1, "different people's faces are unrelated");
    assertEquals(1.0, verification.atFalseAcceptRate(1e-3).orElseThrow().trueAcceptRate(), "every genuine pair at FAR 1e-3");
    Verification.Operating equal = verification.equalErrorRate();
    assertTrue(equal.meanErrorRate() < 1e-3, "EER " + equal.meanErrorRate());
    assertEquals(threshold, equal.threshold(), 0.01f, "the calibrated threshold sits at the equal error rate");

    Evaluation.Identification id = report.identification();
    assertEquals(3, report.heldOut().size());
    assertEquals(12 - 3, id.enrolled(), "twelve people have several photos; three are held out");
    int probes = 0;
    int strangerPhotos = 0;
    for (Map.Entry<String, List<Path>> person : persons.entrySet()) {
      boolean enrolled = person.getValue().size() > 1 && !report.heldOut().contains(person.getKey());
      if (enrolled) {
        probes += person.getValue().size() - 1;
      } else {
        strangerPhotos += person.getValue().size();
      }
    }
    assertEquals(probes, id.probes());
    assertEquals(probes, id.rankOneCorrect(), "rank 1 is always right");
    assertEquals(probes, id.namedCorrectly(), "and above the threshold");
    assertEquals(0, id.namedWrongly());
    assertTrue(id.strangerFaces() >= strangerPhotos, id.strangerFaces() + " stranger faces in " + strangerPhotos + " photos");
    assertEquals(0, id.strangersNamed(), "no stranger is named; the closest scored " + id.closestStranger());
    assertTrue(id.closestStranger() < threshold);
  }

  @Test
  void theCommandWritesTheReport() throws Exception {
    Path markdown = scratch.resolve("eval.md");
    int exit = VisageCommand.commandLine().execute("eval", "--photos=" + SharedData.faces(), "--data-dir=" + scratch,
        "--model-mirror=" + SharedData.models(), "--offline", "--markdown=" + markdown);
    assertEquals(0, exit);
    String report = Files.readString(markdown);
    assertTrue(report.contains("| rank-1 accuracy | 1.0000 (28 of 28) |"), report);
    assertTrue(report.contains("| TAR @ FAR 1.0e-03 | "), report);
    assertTrue(report.contains("| strangers wrongly named | 0 "), report);
  }
}
