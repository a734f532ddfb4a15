package dev.visage.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.DetectRequest;
import dev.visage.api.v1.GetServerInfoRequest;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.SharedData;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unpacked distribution, run as a user runs it: its own launcher, from an empty folder, with
 * nothing from the build on its path. It serves, answers health checks and finds a face.
 */
class DistributionIT {

  private static final Path DISTRIBUTION = Path.of(System.getProperty("visage.distribution", "target/none"));

  @TempDir Path workdir;

  private Process launch(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(DISTRIBUTION.resolve("bin/visage").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workdir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("VISAGE_") || name.equals("CLASSPATH"));
    return builder.start();
  }

  @Test
  void theLauncherStartsAWorkingServerFromAnEmptyFolder() throws Exception {
    assertTrue(Files.isExecutable(DISTRIBUTION.resolve("bin/visage")), "bin/visage in " + DISTRIBUTION);
    assertTrue(Files.isExecutable(DISTRIBUTION.resolve("bin/visage-console")));
    assertTrue(Files.exists(DISTRIBUTION.resolve("models/manifest.json")));

    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process server = launch("serve", "--port=" + port, "--metrics-port=0", "--offline",
        "--model-mirror=" + SharedData.models());
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader = Thread.ofVirtual().start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
          if (line.contains("Visage is serving")) {
            ready.complete(line);
          }
        }
      } catch (java.io.IOException ignored) {
        // the process ended
      }
      ready.complete(null);
    });
    try {
      assertNotNull(ready.get(3, TimeUnit.MINUTES), "the server starts:\n" + String.join("\n", lines));
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance()).getStatus());
        RecognitionServiceGrpc.RecognitionServiceBlockingStub recognition =
            RecognitionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        assertTrue(recognition.getServerInfo(GetServerInfoRequest.getDefaultInstance()).getEmbedderModelId()
            .startsWith("mobilefacenet"));
        assertEquals(1, recognition.detect(DetectRequest.newBuilder()
            .setImage(Images.encoded("obama/obama.jpg")).build()).getFacesCount());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      assertTrue(Files.isDirectory(workdir.resolve("visage-data/gallery")), "its data lives where it was started");
    } finally {
      server.toHandle().destroy();
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "it stops on SIGTERM");
      reader.join(TimeUnit.SECONDS.toMillis(10));
    }
    assertTrue(String.join("\n", lines).contains("Visage stopped"), String.join("\n", lines));
  }
}
