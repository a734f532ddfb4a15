package dev.visage.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.testing.SharedData;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code visage serve} as a separate process, configured the way an operator does it. */
class ServeProcessTest {

  @TempDir
  Path data;

  private static Process launch(Map<String, String> environment, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), VisageCommand.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("VISAGE_"));
    builder.environment().putAll(environment);
    return builder.start();
  }

  /**
   * Collects the process's output lines in the background; the future completes with the first
   * line containing {@code wanted} (or null at the end of the output).
   */
  private static CompletableFuture<String> watch(Process process, List<String> lines, String wanted) {
    CompletableFuture<String> seen = new CompletableFuture<>();
    readers.add(Thread.ofVirtual().start(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          lines.add(line);
          if (line.contains(wanted)) {
            seen.complete(line);
          }
        }
      } catch (IOException ignored) {
        // The process ended.
      }
      seen.complete(null);
    }));
    return seen;
  }

  private static final List<Thread> readers = new CopyOnWriteArrayList<>();

  /** Waits for the process to end and for its output to be read to the last line. */
  private static boolean finished(Process process) throws InterruptedException {
    boolean ended = process.waitFor(60, TimeUnit.SECONDS);
    for (Thread reader : readers) {
      reader.join(TimeUnit.SECONDS.toMillis(10));
    }
    return ended;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void startsFromEnvironmentVariablesServesAndStopsGracefully() throws Exception {
    int port = freePort();
    Process process = launch(Map.of(
        "VISAGE_PORT", Integer.toString(port),
        "VISAGE_DATA_DIR", data.toString(),
        "VISAGE_MODEL_MIRROR", SharedData.models().toString()), "serve", "--offline");
    List<String> lines = new CopyOnWriteArrayList<>();
    String ready = watch(process, lines, "Visage is serving").get(120, TimeUnit.SECONDS);
    try {
      assertTrue(ready != null, "the server says when it is ready: " + lines);
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
      process.toHandle().destroy();
    }
    assertTrue(finished(process), "it stops within the grace period");
    assertTrue(lines.stream().anyMatch(line -> line.contains("Visage stopped")), "exit " + process.exitValue() + ": " + lines);
  }

  @Test
  void aMissingModelStopsStartupWithInstructions() throws Exception {
    Process process = launch(Map.of(), "serve", "--offline", "--port=0",
        "--data-dir=" + data, "--model-dir=" + data.resolve("no-models"));
    List<String> lines = new CopyOnWriteArrayList<>();
    watch(process, lines, "\u0000");
    assertTrue(finished(process));
    assertEquals(2, process.exitValue());
    String output = String.join("\n", lines);
    assertTrue(output.contains("yunet_s_dynamic.onnx"), output);
    assertTrue(output.contains("daede24002cc8590f457998cc5e6c9e8b82f45f6bd969506a8913cd4ed10a2d3"), output);
    assertTrue(output.contains("--model-mirror"), output);
  }

  @Test
  void helpNamesEveryOptionAndItsEnvironmentVariable() throws Exception {
    Process process = launch(Map.of(), "serve", "--help");
    List<String> lines = new CopyOnWriteArrayList<>();
    watch(process, lines, "\u0000");
    assertTrue(finished(process));
    assertEquals(0, process.exitValue());
    String help = String.join("\n", lines);
    for (String option : List.of("--port", "--data-dir", "--model-mirror", "--device", "--threshold",
        "--max-message-bytes", "--hnsw-max-connections", "--vector-encoding", "VISAGE_DATA_DIR")) {
      assertTrue(help.contains(option), option + " in\n" + help);
    }
  }
}
