package dev.visage.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short runs of the benchmark commands on the real models and photos: each must finish, measure
 * both sides and write its Markdown table. The figures of runs this short mean little; the
 * published ones come from the full commands in docs/BENCHMARKS.md.
 */
class BenchCommandsTest {

  @TempDir
  Path scratch;

  private String[] common(String... args) {
    return Stream.concat(Arrays.stream(args), Stream.of("--data-dir=" + scratch, "--model-mirror=" + SharedData.models(),
        "--offline")).toArray(String[]::new);
  }

  /** The table rows of a Markdown report, split into cells. */
  private static List<String[]> rows(Path markdown) throws Exception {
    List<String> lines = Files.readAllLines(markdown).stream().filter(line -> line.startsWith("| ")).toList();
    return lines.subList(1, lines.size()).stream()
        .map(line -> Arrays.stream(line.substring(2, line.length() - 2).split(" \\| ")).map(String::strip).toArray(String[]::new))
        .toList();
  }

  @Test
  void galleryBenchmarkComparesHnswWithBruteForce() throws Exception {
    Path markdown = scratch.resolve("gallery.md");
    int exit = VisageCommand.commandLine().execute(common("bench", "gallery", "--photos=" + SharedData.faces(),
        "--sizes=3000", "--encodings=FLOAT32,INT8", "--m=16", "--beam=100", "--candidates=10,100", "--queries=200",
        "--markdown=" + markdown));
    assertEquals(0, exit);
    List<String[]> rows = rows(markdown);
    assertEquals(4, rows.size(), "two encodings, two candidate counts");
    for (String[] row : rows) {
      double recallAt1 = Double.parseDouble(row[5]);
      double recallAt10 = Double.parseDouble(row[6]);
      assertTrue(recallAt1 > 0.8 && recallAt1 <= 1 && recallAt10 > 0.5 && recallAt10 <= 1, String.join(" ", row));
      if (row[4].equals("100")) {
        assertTrue(recallAt10 >= 0.95, "exploring 100 candidates among 3000 finds nearly all of the true 10: " + recallAt10);
      }
      assertTrue(Double.parseDouble(row[8]) >= Double.parseDouble(row[7]), "p99 >= p50");
      assertTrue(Double.parseDouble(row[11]) > 0, "the index is on disk: " + String.join(" ", row));
    }
  }

  @Test
  void wireBenchmarkMeasuresGrpcAgainstInProcess() throws Exception {
    Path markdown = scratch.resolve("wire.md");
    int exit = VisageCommand.commandLine().execute(common("bench", "wire", "--photos=" + SharedData.faces(),
        "--clients=1,2", "--rounds=1", "--seconds=1", "--markdown=" + markdown));
    assertEquals(0, exit);
    List<String[]> rows = rows(markdown);
    assertEquals(2, rows.size());
    for (String[] row : rows) {
      assertTrue(Double.parseDouble(row[1]) > 0 && Double.parseDouble(row[2]) > 0, String.join(" ", row));
      assertEquals("none", row[9], "no call failed");
    }
    assertTrue(Files.readString(markdown).contains("21 persons enrolled"), "every person folder is enrolled first");
  }

  @Test
  void loadBenchmarkRefusesTheExcessPromptlyAndServesTheRest() throws Exception {
    Path markdown = scratch.resolve("load.md");
    int exit = VisageCommand.commandLine().execute(common("bench", "load", "--photos=" + SharedData.faces(),
        "--video=" + SharedData.video(), "--clients=12", "--streams=3", "--seconds=4",
        "--max-concurrent-requests=2", "--max-streams=2", "--markdown=" + markdown));
    assertEquals(0, exit);
    List<String[]> rows = rows(markdown);
    assertEquals(1, rows.size());
    String[] row = rows.get(0);
    String line = String.join(" ", row);
    assertTrue(Double.parseDouble(row[3]) > 0, "calls were served: " + line);
    assertTrue(Double.parseDouble(row[6]) > 0, "12 clients against a limit of 2: calls were refused: " + line);
    assertEquals("none", row[9], "no error other than refusals: " + line);
    assertTrue(Double.parseDouble(row[10]) > 0, "the admitted streams got frames through: " + line);
    assertEquals("1", row[11], "3 streams against a limit of 2: one refused: " + line);
    assertTrue(Double.parseDouble(row[8]) < Double.parseDouble(row[5]),
        "a refusal comes back faster than an answer (p99): " + line);
  }
}
