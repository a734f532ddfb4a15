package dev.visage.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.CameraServiceGrpc;
import dev.visage.api.v1.DeletePersonRequest;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.EnrollResponse;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.GetServerInfoRequest;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.IdentifyResponse;
import dev.visage.api.v1.ListPersonsRequest;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.api.v1.RemoveCameraRequest;
import dev.visage.server.VisageServer;
import dev.visage.server.cli.VisageCommand;
import dev.visage.server.config.ServerOptions;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.SharedData;
import dev.visage.server.testing.TestCertificates;
import dev.visage.server.testing.TestServer;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * TLS, mutual TLS and API keys with roles, against a real server with the real models: who gets
 * in, who is refused with which status, and that the refusals reveal nothing.
 */
class TransportAndKeysTest {

  @TempDir Path dir;

  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void closeChannels() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private ManagedChannel channel(int port, ChannelCredentials credentials) {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", port, credentials).build();
    channels.add(channel);
    return channel;
  }

  private static RecognitionServiceGrpc.RecognitionServiceBlockingStub recognition(ManagedChannel channel) {
    return RecognitionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static Status.Code codeOf(Runnable call) {
    return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
  }

  @Test
  void tlsServesTlsClientsOnly() throws Exception {
    TestCertificates certs = new TestCertificates(dir.resolve("certs"));
    try (TestServer server = TestServer.start(dir.resolve("data"),
        "--tls-cert=" + certs.serverCert, "--tls-key=" + certs.serverKey)) {
      ChannelCredentials trusting = TlsChannelCredentials.newBuilder().trustManager(certs.caCert.toFile()).build();
      assertTrue(recognition(channel(server.port(), trusting))
          .getServerInfo(GetServerInfoRequest.getDefaultInstance()).getEmbedderModelId().startsWith("mobilefacenet"));

      assertEquals(Status.Code.UNAVAILABLE, codeOf(() -> recognition(channel(server.port(),
          InsecureChannelCredentials.create())).getServerInfo(GetServerInfoRequest.getDefaultInstance())),
          "a plain-text client gets no answer from a TLS port");
      // A client that does not trust the server's CA refuses the server, as it should.
      assertEquals(Status.Code.UNAVAILABLE, codeOf(() -> recognition(channel(server.port(),
          TlsChannelCredentials.create())).getServerInfo(GetServerInfoRequest.getDefaultInstance())));
    }
  }

  @Test
  void mutualTlsAdmitsOnlyClientsWithACertificateFromTheCa() throws Exception {
    TestCertificates certs = new TestCertificates(dir.resolve("certs"));
    try (TestServer server = TestServer.start(dir.resolve("data"), "--tls-cert=" + certs.serverCert,
        "--tls-key=" + certs.serverKey, "--tls-client-ca=" + certs.caCert)) {
      ChannelCredentials withCertificate = TlsChannelCredentials.newBuilder()
          .trustManager(certs.caCert.toFile()).keyManager(certs.clientCert.toFile(), certs.clientKey.toFile()).build();
      assertEquals(0, recognition(channel(server.port(), withCertificate))
          .getServerInfo(GetServerInfoRequest.getDefaultInstance()).getPersonCount());

      ChannelCredentials withoutCertificate = TlsChannelCredentials.newBuilder()
          .trustManager(certs.caCert.toFile()).build();
      assertEquals(Status.Code.UNAVAILABLE, codeOf(() -> recognition(channel(server.port(), withoutCertificate))
          .getServerInfo(GetServerInfoRequest.getDefaultInstance())));

      ChannelCredentials withStrangersCertificate = TlsChannelCredentials.newBuilder()
          .trustManager(certs.caCert.toFile()).keyManager(certs.strangerCert.toFile(), certs.strangerKey.toFile()).build();
      assertEquals(Status.Code.UNAVAILABLE, codeOf(() -> recognition(channel(server.port(), withStrangersCertificate))
          .getServerInfo(GetServerInfoRequest.getDefaultInstance())));
    }
  }

  /** Runs {@code visage keys ...} as a user would and returns what it printed. */
  private static String keys(String... args) {
    StringWriter out = new StringWriter();
    CommandLine line = VisageCommand.commandLine();
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(new StringWriter()));
    List<String> all = new ArrayList<>(List.of("keys"));
    all.addAll(List.of(args));
    assertEquals(0, line.execute(all.toArray(String[]::new)), "visage " + all);
    return out.toString().strip();
  }

  private static CallCredentials bearer(String key) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        applier.apply(headers);
      }
    };
  }

  @Test
  void apiKeysGrantTheirRoleAndNothingMore() throws Exception {
    Path data = dir.resolve("data");
    try (TestServer server = TestServer.start(data)) {
      ManagedChannel channel = server.channel();
      RecognitionServiceGrpc.RecognitionServiceBlockingStub anyone = recognition(channel);
      // No keys yet: the loopback server is open, as the one-command start promises.
      assertEquals(0, anyone.getServerInfo(GetServerInfoRequest.getDefaultInstance()).getPersonCount());

      String keyFile = "--data-dir=" + data;
      String viewer = keys("create", keyFile, "--name", "lobby screen", "--role", "viewer");
      String operator = keys("create", keyFile, "--name", "front desk", "--role", "operator");
      String admin = keys("create", keyFile, "--name", "site admin", "--role", "admin");
      String keyFileText = Files.readString(data.resolve("api-keys.json"));
      for (String key : List.of(viewer, operator, admin)) {
        assertTrue(key.startsWith("visage_"), key);
        assertFalse(keyFileText.contains(key.substring(key.lastIndexOf('_') + 1)), "keys are stored hashed only");
      }
      assertTrue(keys("list", keyFile).contains("front desk"));

      // The first key locks the running server at once.
      StatusRuntimeException noKey = assertThrows(StatusRuntimeException.class,
          () -> anyone.getServerInfo(GetServerInfoRequest.getDefaultInstance()));
      assertEquals(Status.Code.UNAUTHENTICATED, noKey.getStatus().getCode());
      assertTrue(noKey.getStatus().getDescription().contains("authorization: Bearer"), noKey.getMessage());
      assertEquals(Status.Code.UNAUTHENTICATED, codeOf(() -> anyone.withCallCredentials(bearer("visage_0123456789ab_guess"))
          .getServerInfo(GetServerInfoRequest.getDefaultInstance())));
      String forged = operator.substring(0, operator.length() - 2) + (operator.endsWith("AA") ? "BB" : "AA");
      assertEquals(Status.Code.UNAUTHENTICATED, codeOf(() -> anyone.withCallCredentials(bearer(forged))
          .getServerInfo(GetServerInfoRequest.getDefaultInstance())), "a key with the right id and a wrong secret");
      // Health checks need no key: load balancers probe without one.
      assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus());

      Function<String, GalleryServiceGrpc.GalleryServiceBlockingStub> gallery = key ->
          GalleryServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(key)).withDeadlineAfter(60, TimeUnit.SECONDS);
      Function<String, CameraServiceGrpc.CameraServiceBlockingStub> cameras = key ->
          CameraServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(key)).withDeadlineAfter(60, TimeUnit.SECONDS);
      EnrollRequest enrollObama = EnrollRequest.newBuilder().setDisplayName("Barack Obama")
          .addImages(Images.encoded("obama/obama.jpg")).build();

      // A viewer recognises and lists, and may not change anything.
      StatusRuntimeException viewerEnrolls = assertThrows(StatusRuntimeException.class,
          () -> gallery.apply(viewer).enroll(enrollObama));
      assertEquals(Status.Code.PERMISSION_DENIED, viewerEnrolls.getStatus().getCode());
      assertTrue(viewerEnrolls.getStatus().getDescription().contains("needs the operator role"), viewerEnrolls.getMessage());

      // An operator enrolls; a viewer then sees the person.
      EnrollResponse enrolled = gallery.apply(operator).enroll(enrollObama);
      assertEquals(1, enrolled.getEnrolledCount());
      IdentifyResponse identified = recognition(channel).withCallCredentials(bearer(viewer))
          .identify(IdentifyRequest.newBuilder().setImage(Images.encoded("obama/obama1.jpg")).build());
      assertEquals("Barack Obama", identified.getFaces(0).getMatch().getDisplayName());
      assertEquals(1, gallery.apply(viewer).listPersons(ListPersonsRequest.getDefaultInstance()).getPersonsCount());

      // Refusals do not reveal whether a person exists: a viewer deleting a real and a made-up
      // person gets the same answer, and the real one is still there.
      String realId = enrolled.getPerson().getPersonId();
      StatusRuntimeException real = assertThrows(StatusRuntimeException.class, () ->
          gallery.apply(viewer).deletePerson(DeletePersonRequest.newBuilder().setPersonId(realId).build()));
      StatusRuntimeException madeUp = assertThrows(StatusRuntimeException.class, () ->
          gallery.apply(viewer).deletePerson(DeletePersonRequest.newBuilder().setPersonId("00000000-0000-4000-8000-000000000001").build()));
      assertEquals(real.getStatus().getCode(), madeUp.getStatus().getCode());
      assertEquals(real.getStatus().getDescription(), madeUp.getStatus().getDescription());
      assertEquals(1, gallery.apply(viewer).listPersons(ListPersonsRequest.getDefaultInstance()).getPersonsCount());

      // Cameras are for admins: an operator is refused, an admin reaches the call itself.
      RemoveCameraRequest removeUnknown = RemoveCameraRequest.newBuilder().setCameraId("00000000-0000-4000-8000-000000000000").build();
      assertEquals(Status.Code.PERMISSION_DENIED, codeOf(() -> cameras.apply(operator).removeCamera(removeUnknown)));
      assertEquals(Status.Code.NOT_FOUND, codeOf(() -> cameras.apply(admin).removeCamera(removeUnknown)));

      // Revoking a key stops it on its next call, without a restart.
      String operatorId = operator.substring("visage_".length(), "visage_".length() + 12);
      assertTrue(keys("revoke", keyFile, operatorId).contains(operatorId));
      assertEquals(Status.Code.UNAUTHENTICATED, codeOf(() -> gallery.apply(operator)
          .deletePerson(DeletePersonRequest.newBuilder().setPersonId(realId).build())));
      assertEquals(1, gallery.apply(admin).listPersons(ListPersonsRequest.getDefaultInstance()).getPersonsCount());
    }
  }

  @Test
  void anUnprotectedServerIsNotExposedBeyondLoopbackUnlessAskedTo() throws Exception {
    Path data = dir.resolve("data");
    String[] common = {"--port=0", "--metrics-port=0", "--data-dir=" + data, "--model-mirror=" + SharedData.models(), "--offline",
        "--host=0.0.0.0"};
    SecuritySetupException plaintext = assertThrows(SecuritySetupException.class,
        () -> VisageServer.start(ServerOptions.parse(common)));
    assertTrue(plaintext.getMessage().contains("without TLS"), plaintext.getMessage());

    TestCertificates certs = new TestCertificates(dir.resolve("certs"));
    String[] withTls = concat(common, "--tls-cert=" + certs.serverCert, "--tls-key=" + certs.serverKey);
    SecuritySetupException noKeys = assertThrows(SecuritySetupException.class,
        () -> VisageServer.start(ServerOptions.parse(withTls)));
    assertTrue(noKeys.getMessage().contains("without API keys"), noKeys.getMessage());

    try (VisageServer server = VisageServer.start(ServerOptions.parse(concat(withTls, "--allow-unauthenticated")))) {
      assertTrue(server.port() > 0);
    }
    SecuritySetupException missingFile = assertThrows(SecuritySetupException.class, () -> VisageServer.start(
        ServerOptions.parse("--port=0", "--data-dir=" + data, "--tls-cert=" + dir.resolve("nowhere.pem"),
            "--tls-key=" + certs.serverKey)));
    assertTrue(missingFile.getMessage().contains("nowhere.pem"), missingFile.getMessage());
  }

  private static String[] concat(String[] first, String... more) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
