package dev.visage.console.connection;

/**
 * Where the console finds the server and how it talks to it.
 *
 * @param caFile a PEM file of the certificate authority to trust with TLS; empty for the system's
 * @param apiKey sent as "authorization: Bearer ..." when not empty
 * @param rememberKey whether the key is kept between runs
 */
public record ConnectionSettings(String host, int port, boolean tls, String caFile, String apiKey, boolean rememberKey) {

  public static final ConnectionSettings DEFAULT = new ConnectionSettings("localhost", 50051, false, "", "", false);

  public String address() {
    return host + ":" + port;
  }
}
