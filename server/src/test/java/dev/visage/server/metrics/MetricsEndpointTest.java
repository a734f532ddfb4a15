package dev.visage.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.DetectRequest;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.StreamConfig;
import dev.visage.server.testing.ClipFrames;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.StreamClient;
import dev.visage.server.testing.TestServer;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus endpoint of a real server shows the requests, stages, frames and gallery a test made. */
class MetricsEndpointTest {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? ([^ ]+)");

  @TempDir Path data;

  /** Every sample of the exposition, keyed by its name and sorted labels. */
  private static Map<String, Double> scrape(int port) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (!line.startsWith("#") && sample.find()) {
        String labels = sample.group(2) == null ? "" : sample.group(2);
        String[] parts = labels.isEmpty() ? new String[0] : labels.substring(1, labels.length() - 1).split(",");
        java.util.Arrays.sort(parts);
        samples.put(sample.group(1) + String.join(",", parts), Double.parseDouble(sample.group(3)));
      }
    }
    return samples;
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
    return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
  }

  @Test
  void theEndpointCountsWhatTheTestDid() throws Exception {
    try (TestServer server = TestServer.start(data)) {
      int port = server.server().metricsPort();
      assertTrue(port > 0, "the endpoint is on");
      Map<String, Double> before = scrape(port);

      server.gallery().enroll(EnrollRequest.newBuilder().setDisplayName("Barack Obama")
          .addImages(Images.encoded("obama/obama.jpg")).build());
      for (String photo : new String[] {"obama/obama1.jpg", "_group/obama_and_biden.jpg"}) {
        server.recognition().identify(IdentifyRequest.newBuilder().setImage(Images.encoded(photo)).build());
      }
      assertThrows(StatusRuntimeException.class, () -> server.recognition().detect(
          DetectRequest.newBuilder().setImage(Images.encoded("not an image".getBytes())).build()));
      StreamClient stream = new StreamClient(server.channel(), StreamConfig.newBuilder().setName("metrics-test").build());
      stream.sendInLockStep(ClipFrames.jpegs().subList(0, 10));
      stream.finish();

      Map<String, Double> after = scrape(port);
      assertEquals(1, delta(before, after, "visage_requests_total" + "code=\"OK\",method=\"Enroll\""));
      assertEquals(2, delta(before, after, "visage_requests_total" + "code=\"OK\",method=\"Identify\""));
      assertEquals(1, delta(before, after, "visage_requests_total" + "code=\"INVALID_ARGUMENT\",method=\"Detect\""));
      assertEquals(2, delta(before, after, "visage_request_duration_seconds_count" + "method=\"Identify\""));
      // Decoded and detected: 3 photos (1 enrolled, 2 identified) and 10 frames; the refused bytes never decode.
      assertTrue(delta(before, after, "visage_stage_duration_seconds_count" + "stage=\"decode\"") >= 13, "3 photos and 10 frames");
      assertTrue(delta(before, after, "visage_stage_duration_seconds_count" + "stage=\"detect\"") >= 13);
      assertTrue(delta(before, after, "visage_stage_duration_seconds_count" + "stage=\"embed\"") >= 3);
      assertTrue(delta(before, after, "visage_stage_duration_seconds_count" + "stage=\"search\"") >= 3, "1 + 2 faces identified");
      assertTrue(delta(before, after, "visage_embedding_batch_faces_sum") >= 4, "the enrolled face and 3 identified faces");
      assertEquals(10, delta(before, after,
          "visage_frames_total" + "name=\"metrics-test\",outcome=\"processed\",source=\"stream\""));
      assertEquals(1, after.get("visage_gallery_persons"));
      assertEquals(1, after.get("visage_gallery_faces"));
      assertEquals(0, after.get("visage_requests_in_flight"));
      assertTrue(after.containsKey("jvm_memory_used_bytes" + "area=\"heap\""), "JVM metrics too");
    }
  }
}
