package dev.visage.server.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a model file whose SHA-256 matches the manifest: first in the model directory, then in
 * each mirror (a local directory, used in place, or a base URL), then at the model's source URL.
 * Downloads land in the model directory only once verified. No network is touched when the file
 * is already present.
 */
public final class ModelResolver {

  private static final Logger log = LoggerFactory.getLogger(ModelResolver.class);

  private final Path modelDir;
  private final List<String> mirrors;
  private final boolean offline;
  private final HttpClient http;

  /**
   * @param modelDir where model files are kept and downloads are saved
   * @param mirrors directories or http(s) base URLs holding the same file names, tried in order
   * @param offline when true, never use the network (URL mirrors and source URLs are skipped)
   */
  public ModelResolver(Path modelDir, List<String> mirrors, boolean offline) {
    this.modelDir = modelDir;
    this.mirrors = List.copyOf(mirrors);
    this.offline = offline;
    this.http = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(15))
        .build();
  }

  /** Returns the path of a verified copy of the model, fetching it if needed. */
  public Path resolve(ModelSpec spec) throws ModelUnavailableException {
    List<String> tried = new ArrayList<>();

    Path local = modelDir.resolve(spec.file());
    if (Files.isRegularFile(local)) {
      String actual = sha256(local);
      if (spec.sha256().equals(actual)) {
        return local;
      }
      log.warn("{} has SHA-256 {} but the manifest expects {}; looking for a good copy",
          local, actual, spec.sha256());
      tried.add(local + ": wrong SHA-256 " + actual);
    } else {
      tried.add(local + ": not there");
    }

    for (String mirror : mirrors) {
      if (isUrl(mirror)) {
        if (offline) {
          continue;
        }
        String url = mirror.endsWith("/") ? mirror + spec.file() : mirror + "/" + spec.file();
        if (download(spec, url, tried)) {
          return local;
        }
      } else {
        Path candidate = Path.of(mirror).resolve(spec.file());
        if (!Files.isRegularFile(candidate)) {
          tried.add(candidate + ": not there");
          continue;
        }
        String actual = sha256(candidate);
        if (spec.sha256().equals(actual)) {
          log.info("Using {} from the mirror {}", spec.file(), mirror);
          return candidate;
        }
        tried.add(candidate + ": wrong SHA-256 " + actual);
      }
    }

    if (!offline && download(spec, spec.url(), tried)) {
      return local;
    }
    throw new ModelUnavailableException(message(spec, tried));
  }

  private boolean download(ModelSpec spec, String url, List<String> tried) {
    Path target = modelDir.resolve(spec.file());
    Path partial = modelDir.resolve(spec.file() + ".part");
    log.info("Downloading {} ({} bytes) from {}", spec.file(), spec.size(), url);
    try {
      Files.createDirectories(modelDir);
      HttpRequest request = HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofMinutes(5))
          .GET()
          .build();
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          tried.add(url + ": HTTP " + response.statusCode());
          return false;
        }
        MessageDigest digest = newDigest();
        long copied;
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), digest)) {
          // Stop at a little more than the expected size: a wrong URL must not fill the disk.
          copied = body.transferTo(new LimitedOutputStream(out, spec.size() + 1));
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (copied != spec.size() || !spec.sha256().equals(actual)) {
          tried.add(url + ": got " + copied + " bytes with SHA-256 " + actual);
          Files.deleteIfExists(partial);
          return false;
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.info("Saved {} (SHA-256 verified)", target);
        return true;
      }
    } catch (IOException | IllegalArgumentException e) {
      tried.add(url + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      tried.add(url + ": interrupted");
    }
    try {
      Files.deleteIfExists(partial);
    } catch (IOException ignored) {
      // A leftover .part file is harmless: it is overwritten by the next attempt.
    }
    return false;
  }

  private String message(ModelSpec spec, List<String> tried) {
    return "Model file " + spec.file() + " (" + spec.description() + ") is not available.\n"
        + "  Expected SHA-256 " + spec.sha256() + ", " + spec.size() + " bytes.\n"
        + "  Looked at:\n    " + String.join("\n    ", tried) + "\n"
        + "  Fix: download it from " + spec.url() + " into " + modelDir.toAbsolutePath()
        + ", or point --model-mirror (VISAGE_MODEL_MIRROR) at a folder or URL that holds it"
        + (offline ? ", or drop --offline so the server can download it itself." : ".");
  }

  /** The lower-case hex SHA-256 of a file. */
  public static String sha256(Path file) {
    MessageDigest digest = newDigest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      return "unreadable (" + e.getMessage() + ")";
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JDK has SHA-256", e);
    }
  }

  private static boolean isUrl(String location) {
    return location.startsWith("http://") || location.startsWith("https://");
  }

  /** Passes bytes through until a limit, then fails: guards against endless or wrong downloads. */
  private static final class LimitedOutputStream extends OutputStream {
    private final OutputStream out;
    private long remaining;

    LimitedOutputStream(OutputStream out, long limit) {
      this.out = out;
      this.remaining = limit;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > remaining) {
        throw new IOException("the download is larger than the manifest's size");
      }
      remaining -= len;
      out.write(b, off, len);
    }
  }
}
