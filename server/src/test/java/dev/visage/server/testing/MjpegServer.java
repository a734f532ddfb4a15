package dev.visage.server.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * An HTTP MJPEG camera on loopback, as many IP cameras are: multipart/x-mixed-replace, one JPEG per
 * part, looping over the given frames at a fixed rate.
 */
public final class MjpegServer implements AutoCloseable {

  private static final String BOUNDARY = "visageframe";

  private final HttpServer http;

  public MjpegServer(List<byte[]> frames, int fps) throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.setExecutor(Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "test-mjpeg");
      thread.setDaemon(true);
      return thread;
    }));
    http.createContext("/stream.mjpg", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "multipart/x-mixed-replace;boundary=" + BOUNDARY);
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        for (int i = 0; ; i = (i + 1) % frames.size()) {
          byte[] jpeg = frames.get(i);
          out.write(("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          out.write(jpeg);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          Thread.sleep(1000 / fps);
        }
      } catch (IOException | InterruptedException closed) {
        // The camera client went away.
      }
    });
    http.start();
  }

  public String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/stream.mjpg";
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
