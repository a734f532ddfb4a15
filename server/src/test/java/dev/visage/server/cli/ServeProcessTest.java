package dev.visage.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.testing.ServerProcess;
import dev.visage.server.testing.SharedData;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code visage serve} as a separate process, configured the way an operator does it. */
class ServeProcessTest {

  @TempDir
  Path data;

  @Test
  void startsFromEnvironmentVariablesServesAndStopsGracefully() throws Exception {
    int port = ServerProcess.freePort();
    ServerProcess process = ServerProcess.launch(Map.of(
        "VISAGE_PORT", Integer.toString(port),
        "VISAGE_DATA_DIR", data.toString(),
        "VISAGE_MODEL_MIRROR", SharedData.models().toString(),
        "VISAGE_METRICS_PORT", "0"), "serve", "--offline");
    String ready = process.awaitLine("Visage is serving", Duration.ofMinutes(2));
    try {
      assertTrue(ready != null, "the server says when it is ready: " + process.output());
      assertTrue(ready.contains("127.0.0.1:" + port), ready);
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        assertEquals(HealthCheckResponse.ServingStatus.SERVING,
            HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());
      } finally {
        channel.shutdownNow();
      }
    } finally {
      // SIGTERM, as a service manager sends it (Process.destroy would also close our end of its output).
      process.terminate();
    }
    assertTrue(process.finished(Duration.ofMinutes(1)), "it stops within the grace period");
    assertTrue(process.output().contains("Visage stopped"), "exit " + process.exitValue() + ": " + process.output());
  }

  @Test
  void aMissingModelStopsStartupWithInstructions() throws Exception {
    ServerProcess process = ServerProcess.launch(Map.of(), "serve", "--offline", "--port=0",
        "--data-dir=" + data, "--model-dir=" + data.resolve("no-models"));
    assertTrue(process.finished(Duration.ofMinutes(1)));
    assertEquals(2, process.exitValue());
    String output = process.output();
    assertTrue(output.contains("yunet_s_dynamic.onnx"), output);
    assertTrue(output.contains("daede24002cc8590f457998cc5e6c9e8b82f45f6bd969506a8913cd4ed10a2d3"), output);
    assertTrue(output.contains("--model-mirror"), output);
  }

  @Test
  void helpNamesEveryOptionAndItsEnvironmentVariable() throws Exception {
    ServerProcess process = ServerProcess.launch(Map.of(), "serve", "--help");
    assertTrue(process.finished(Duration.ofMinutes(1)));
    assertEquals(0, process.exitValue());
    String help = process.output();
    for (String option : List.of("--port", "--data-dir", "--model-mirror", "--device", "--threshold",
        "--max-message-bytes", "--hnsw-max-connections", "--vector-encoding", "VISAGE_DATA_DIR")) {
      assertTrue(help.contains(option), option + " in\n" + help);
    }
  }
}
