package dev.visage.server.security;

import java.nio.file.Path;

/**
 * How the server protects its port.
 *
 * @param tlsCert the server's certificate chain (PEM); null for plain text
 * @param tlsKey the certificate's private key (PEM, PKCS#8)
 * @param tlsClientCa when set, clients must present a certificate signed by this CA (mutual TLS)
 * @param auth when calls must carry an API key
 * @param apiKeysFile where the hashed keys are kept
 * @param allowPlaintext allow listening beyond loopback without TLS
 * @param allowUnauthenticated allow listening beyond loopback without API keys
 */
public record SecuritySettings(Path tlsCert, Path tlsKey, Path tlsClientCa, AuthMode auth, Path apiKeysFile,
    boolean allowPlaintext, boolean allowUnauthenticated) {

  public SecuritySettings {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("TLS needs both a certificate (--tls-cert) and its private key (--tls-key)");
    }
    if (tlsClientCa != null && tlsCert == null) {
      throw new IllegalArgumentException("mutual TLS (--tls-client-ca) needs TLS itself: give --tls-cert and --tls-key");
    }
  }

  public boolean tls() {
    return tlsCert != null;
  }

  public boolean mutualTls() {
    return tlsClientCa != null;
  }

  /** Plain text, no keys: for embedding and tests on loopback. */
  public static SecuritySettings loopbackDefaults(Path apiKeysFile) {
    return new SecuritySettings(null, null, null, AuthMode.AUTO, apiKeysFile, false, false);
  }
}
