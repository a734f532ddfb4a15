package dev.visage.console.connection;

/**
 * Where the console finds the server and how it talks to it.
 *
 * @param caFile a PEM file of the certificate authority to trust with TLS; empty for the system's
 * @param clientCertFile for mutual TLS: this console's certificate chain (PEM); empty for none
 * @param clientKeyFile for mutual TLS: that certificate's private key (PEM, PKCS#8)
 * @param apiKey sent as "authorization: Bearer ..." when not empty
 * @param rememberKey whether the key is kept between runs
 */
public record ConnectionSettings(String host, int port, boolean tls, String caFile, String clientCertFile,
    String clientKeyFile, String apiKey, boolean rememberKey) {

  public static final ConnectionSettings DEFAULT = new ConnectionSettings("localhost", 50051, false, "", "", "", "", false);

  /** Plain text or TLS without a client certificate. */
  public ConnectionSettings(String host, int port, boolean tls, String caFile, String apiKey, boolean rememberKey) {
    this(host, port, tls, caFile, "", "", apiKey, rememberKey);
  }

  public String address() {
    return host + ":" + port;
  }
}
