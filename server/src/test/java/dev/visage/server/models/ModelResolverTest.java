package dev.visage.server.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.visage.server.testing.SharedData;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelResolverTest {

  private final ModelSpec yunet = ModelManifest.bundled().byId("yunet_s");

  @TempDir
  Path modelDir;

  @Test
  void aVerifiedFileInTheModelDirectoryIsUsedAsItIs() throws Exception {
    Files.copy(SharedData.model(yunet.file()), modelDir.resolve(yunet.file()));
    assertEquals(modelDir.resolve(yunet.file()), new ModelResolver(modelDir, List.of(), true).resolve(yunet));
  }

  @Test
  void aDirectoryMirrorIsUsedInPlaceWhenTheModelDirectoryHasABadCopy() throws Exception {
    Files.writeString(modelDir.resolve(yunet.file()), "not the model");
    Path resolved = new ModelResolver(modelDir, List.of(SharedData.models().toString()), true).resolve(yunet);
    assertEquals(SharedData.model(yunet.file()), resolved);
  }

  @Test
  void aMissingModelIsAClearErrorNamingFileHashAndSource() {
    ModelUnavailableException error = assertThrows(ModelUnavailableException.class,
        () -> new ModelResolver(modelDir, List.of(modelDir.resolve("nowhere").toString()), true).resolve(yunet));
    String message = error.getMessage();
    assertTrue(message.contains(yunet.file()), message);
    assertTrue(message.contains(yunet.sha256()), message);
    assertTrue(message.contains(yunet.url()), message);
    assertTrue(message.contains("--model-mirror"), message);
  }

  @Test
  void aUrlMirrorIsDownloadedOnceAndVerified() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    byte[] model = Files.readAllBytes(SharedData.model(yunet.file()));
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/models/", exchange -> {
      requests.incrementAndGet();
      boolean known = exchange.getRequestURI().getPath().endsWith("/" + yunet.file());
      exchange.sendResponseHeaders(known ? 200 : 404, known ? model.length : -1);
      if (known) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(model);
        }
      }
      exchange.close();
    });
    http.start();
    try {
      String mirror = "http://127.0.0.1:" + http.getAddress().getPort() + "/models";
      Path resolved = new ModelResolver(modelDir, List.of(mirror), false).resolve(yunet);
      assertEquals(modelDir.resolve(yunet.file()), resolved);
      assertEquals(yunet.sha256(), ModelResolver.sha256(resolved));
      assertEquals(1, requests.get());

      new ModelResolver(modelDir, List.of(mirror), false).resolve(yunet);
      assertEquals(1, requests.get(), "a verified local copy needs no network");
    } finally {
      http.stop(0);
    }
  }

  @Test
  void aDownloadWithTheWrongContentIsRejected() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] wrong = new byte[(int) yunet.size()];
    http.createContext("/", exchange -> {
      exchange.sendResponseHeaders(200, wrong.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(wrong);
      }
    });
    http.start();
    try {
      String mirror = "http://127.0.0.1:" + http.getAddress().getPort();
      ModelUnavailableException error = assertThrows(ModelUnavailableException.class,
          () -> new ModelResolver(modelDir, List.of(mirror), false).resolve(yunet));
      assertTrue(error.getMessage().contains("SHA-256"), error.getMessage());
      assertTrue(Files.notExists(modelDir.resolve(yunet.file())), "nothing unverified is kept");
      assertTrue(Files.notExists(modelDir.resolve(yunet.file() + ".part")));
    } finally {
      http.stop(0);
    }
  }
}
