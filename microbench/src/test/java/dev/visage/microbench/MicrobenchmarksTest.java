package dev.visage.microbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A smoke run of every micro-benchmark: each one's setup checks that Visage's side and OpenCV's do
 * the same work on the real models and photos (same image size, same crop, same faces kept), and
 * the report has a timed row for each. The figures of such a short run mean nothing.
 */
class MicrobenchmarksTest {

  @Test
  void everyBenchmarkRunsBothSidesOnTheSameWork(@TempDir Path scratch) throws Exception {
    Path report = scratch.resolve("micro.md");
    int exit = new CommandLine(new Microbenchmarks()).execute("--quick", "--rounds=1", "--markdown=" + report);
    assertEquals(0, exit);
    List<String> rows = Files.readAllLines(report).stream().filter(line -> line.startsWith("| ") && !line.startsWith("| step")).toList();
    assertEquals(5, rows.size(), String.join("\n", rows)); // 1 alignment, 3 photos decoded, 1 NMS
    for (String row : rows) {
      String[] cells = row.split("\\|");
      double ours = Double.parseDouble(cells[3].strip());
      double theirs = Double.parseDouble(cells[4].strip());
      assertTrue(ours > 0 && theirs > 0, row);
    }
  }
}
