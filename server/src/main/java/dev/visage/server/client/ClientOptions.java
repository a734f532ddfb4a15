package dev.visage.server.client;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import picocli.CommandLine.Option;

/**
 * How the command-line client reaches a running server: address, TLS (with a client certificate
 * for mutual TLS) and API key. Each option has a VISAGE_ variable too ({@code VISAGE_API_KEY}).
 */
public final class ClientOptions {

  @Option(names = "--server", defaultValue = "localhost:50051", description = "The server, HOST:PORT. Default: ${DEFAULT-VALUE}.")
  String server;

  @Option(names = "--api-key", description = "Sent as 'authorization: Bearer <key>' (better in VISAGE_API_KEY than on the command line).")
  String apiKey;

  @Option(names = "--tls", description = "Connect with TLS.")
  boolean tls;

  @Option(names = "--ca", description = "With --tls: the CA that signed the server's certificate (PEM); default: the system's.")
  Path ca;

  @Option(names = "--client-cert", description = "With --tls: this client's certificate (PEM), for mutual TLS.")
  Path clientCert;

  @Option(names = "--client-key", description = "With --client-cert: its private key (PEM, PKCS#8).")
  Path clientKey;

  public String server() {
    return server;
  }

  /** A channel to the server; the caller shuts it down. */
  public ManagedChannel channel() throws IOException {
    ChannelCredentials credentials = InsecureChannelCredentials.create();
    if (tls) {
      TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
      if (ca != null) {
        builder.trustManager(ca.toFile());
      }
      if (clientCert != null) {
        builder.keyManager(clientCert.toFile(), clientKey == null ? null : clientKey.toFile());
      }
      credentials = builder.build();
    }
    return Grpc.newChannelBuilder(server, credentials).maxInboundMessageSize(64 << 20).build();
  }

  /** The API key as call credentials, or null without one. */
  public CallCredentials credentials() {
    if (apiKey == null || apiKey.isBlank()) {
      return null;
    }
    String header = "Bearer " + apiKey.strip();
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata metadata = new Metadata();
        metadata.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), header);
        applier.apply(metadata);
      }
    };
  }
}
