package dev.visage.console.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.ListPersonsRequest;
import dev.visage.server.security.ApiKeys;
import dev.visage.server.security.Role;
import dev.visage.server.testing.TestCertificates;
import dev.visage.server.testing.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's connection to a locked-down server: mutual TLS and an API key. */
class ServerConnectionTest {

  @TempDir Path dir;

  @Test
  void reachesAServerThatWantsAClientCertificateAndAKey() throws Exception {
    TestCertificates certs = new TestCertificates(dir.resolve("certs"));
    Path data = dir.resolve("data");
    String operatorKey = new ApiKeys(data.resolve("api-keys.json")).create("console test", Role.OPERATOR).secret();
    try (TestServer server = TestServer.start(data, "--tls-cert=" + certs.serverCert, "--tls-key=" + certs.serverKey,
        "--tls-client-ca=" + certs.caCert)) {
      ConnectionSettings settings = new ConnectionSettings("localhost", server.port(), true, certs.caCert.toString(),
          certs.clientCert.toString(), certs.clientKey.toString(), operatorKey, false);
      try (ServerConnection connection = new ServerConnection(settings)) {
        awaitServing(connection);
        assertEquals(0, GalleryServiceGrpc.newBlockingStub(connection.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
            .listPersons(ListPersonsRequest.getDefaultInstance()).getPersonsCount());

        connection.connect(new ConnectionSettings("localhost", server.port(), true, certs.caCert.toString(),
            certs.clientCert.toString(), certs.clientKey.toString(), "visage_000000000000_wrong", false));
        awaitServing(connection); // health needs no key
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () ->
            GalleryServiceGrpc.newBlockingStub(connection.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listPersons(ListPersonsRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
        assertTrue(ErrorMessages.describe(refused).toLowerCase().contains("key"), ErrorMessages.describe(refused));

        // Without its certificate the console cannot even complete the handshake.
        connection.connect(new ConnectionSettings("localhost", server.port(), true, certs.caCert.toString(),
            operatorKey, false));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (connection.status().state() != ServerConnection.State.UNREACHABLE && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertEquals(ServerConnection.State.UNREACHABLE, connection.status().state());
      }
    }
  }

  private static void awaitServing(ServerConnection connection) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (connection.status().state() != ServerConnection.State.SERVING && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(ServerConnection.State.SERVING, connection.status().state(), connection.status().reason());
  }
}
