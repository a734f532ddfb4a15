package dev.visage.server.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import java.io.IOException;

/** Serves the metrics at {@code http://HOST:PORT/metrics} in Prometheus' text format. */
public final class MetricsEndpoint implements AutoCloseable {

  private static boolean jvmRegistered;

  private final HTTPServer server;

  private MetricsEndpoint(HTTPServer server) {
    this.server = server;
  }

  /** @param port 0 picks a free one */
  public static MetricsEndpoint start(String host, int port) throws IOException {
    registerJvmMetrics();
    try {
      return new MetricsEndpoint(HTTPServer.builder().hostname(host).port(port).buildAndStart());
    } catch (IOException e) {
      throw new IOException("the metrics endpoint cannot listen on " + host + ":" + port + " (" + e.getMessage()
          + "); choose another port with --metrics-port, or -1 to turn metrics off", e);
    }
  }

  private static synchronized void registerJvmMetrics() {
    if (!jvmRegistered) {
      JvmMetrics.builder().register();
      jvmRegistered = true;
    }
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
