package dev.visage.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.testing.ClipFrames;
import dev.visage.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming benchmark's machinery, on a slice of the clip (the figures come from the command). */
class StreamBenchmarkTest {

  @TempDir
  Path data;

  @Test
  void measuresEveryConfigurationAndTrackingEmbedsLess() throws Exception {
    try (TestServer server = TestServer.start(data)) {
      List<StreamBenchmark.Row> rows = new StreamBenchmark(server.channel(), ClipFrames.jpegs().subList(210, 270))
          .run(new int[] {1, 2});
      assertEquals(4, rows.size());
      for (StreamBenchmark.Row row : rows) {
        assertTrue(row.framesPerSecond() > 0 && row.latencyP99Ms() >= row.latencyMedianMs(), row.toString());
        assertEquals(row.streams() * rows.get(0).detections() / rows.get(0).streams(), row.detections());
      }
      assertTrue(rows.get(0).embeddings() * 3 < rows.get(1).embeddings(), "tracking on embeds far less than off");
      String markdown = StreamBenchmark.table(rows).markdown();
      assertTrue(markdown.startsWith("| streams |"), markdown);
    }
  }
}
