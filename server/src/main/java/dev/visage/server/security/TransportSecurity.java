package dev.visage.server.security;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how the port is protected: TLS (optionally mutual) from PEM files, or plain text; and
 * refuses to expose an unprotected server beyond this machine unless told so explicitly.
 */
public final class TransportSecurity {

  private static final Logger log = LoggerFactory.getLogger(TransportSecurity.class);

  private TransportSecurity() {}

  /** The credentials to listen with. */
  public static ServerCredentials credentials(SecuritySettings settings) {
    if (!settings.tls()) {
      return InsecureServerCredentials.create();
    }
    readable(settings.tlsCert(), "--tls-cert", "the server's certificate chain");
    readable(settings.tlsKey(), "--tls-key", "the certificate's private key");
    TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder();
    try {
      builder.keyManager(settings.tlsCert().toFile(), settings.tlsKey().toFile());
      if (settings.mutualTls()) {
        readable(settings.tlsClientCa(), "--tls-client-ca", "the CA that signs client certificates");
        builder.trustManager(settings.tlsClientCa().toFile());
        builder.clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      return builder.build();
    } catch (IOException | IllegalArgumentException e) {
      throw new SecuritySetupException("the TLS files cannot be used (" + e.getMessage() + "). --tls-cert takes "
          + "a PEM certificate chain, --tls-key its PEM private key (PKCS#8), --tls-client-ca a PEM CA certificate.", e);
    }
  }

  /**
   * Refuses, or warns loudly about, a server that anyone on the network could reach unprotected.
   *
   * @param authRequired whether calls will need an API key from the start
   */
  public static void checkExposure(String host, SecuritySettings settings, boolean authRequired) {
    if (isLoopback(host)) {
      return;
    }
    if (!settings.tls()) {
      if (!settings.allowPlaintext()) {
        throw new SecuritySetupException("Visage would listen on " + host + " without TLS: anyone on the network "
            + "could read the faces sent to it and the API keys. Give --tls-cert and --tls-key, or add "
            + "--allow-plaintext if a proxy in front of Visage encrypts the traffic.");
      }
      banner("listening on " + host + " WITHOUT TLS (--allow-plaintext): images, names and API keys cross the "
          + "network readable by anyone on it");
    }
    if (!authRequired) {
      if (!settings.allowUnauthenticated()) {
        throw new SecuritySetupException("Visage would listen on " + host + " without API keys: anyone who can reach "
            + "the port could enroll, rename and delete people. Create a key with 'visage keys create --role admin "
            + "--name <who>', or add --allow-unauthenticated if the network itself is trusted.");
      }
      banner("listening on " + host + " WITHOUT API KEYS (--allow-unauthenticated): anyone who reaches the port "
          + "may enroll, rename and delete people");
    }
  }

  static boolean isLoopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void readable(Path file, String option, String what) {
    if (!Files.isReadable(file)) {
      throw new SecuritySetupException(option + " names " + file + ", which cannot be read: it should hold " + what + ".");
    }
  }

  private static void banner(String what) {
    log.warn("*************************************************************************************");
    log.warn("* INSECURE: {}", what);
    log.warn("*************************************************************************************");
  }
}
