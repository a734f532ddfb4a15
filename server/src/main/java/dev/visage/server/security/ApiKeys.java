package dev.visage.server.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The API keys, kept hashed in a JSON file. The server re-reads the file when it changes, so keys
 * created or revoked with {@code visage keys} take effect on the next call without a restart.
 *
 * <p>A key reads {@code visage_<id>_<secret>}: the id finds the entry, the hash of the whole key
 * must match it (compared in constant time).
 */
public final class ApiKeys {

  private static final String PREFIX = "visage_";
  private static final int ID_BYTES = 6;
  private static final int SECRET_BYTES = 32;

  private record Contents(List<ApiKey> keys) {}

  /** A key just made: the only moment its text exists outside the client that will use it. */
  public record Issued(ApiKey key, String secret) {}

  private final Path file;
  private final ObjectMapper json = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);
  private final SecureRandom random = new SecureRandom();

  private volatile Snapshot snapshot = new Snapshot(null, -1, List.of());

  private record Snapshot(FileTime modified, long size, List<ApiKey> keys) {}

  public ApiKeys(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** The keys as the file has them now. */
  public List<ApiKey> list() {
    return current().keys();
  }

  /** Makes a key with this role. The returned secret is shown once and never stored. */
  public synchronized Issued create(String name, Role role) {
    String cleanName = checkName(name);
    byte[] idBytes = new byte[ID_BYTES];
    byte[] secretBytes = new byte[SECRET_BYTES];
    random.nextBytes(idBytes);
    random.nextBytes(secretBytes);
    String id = HexFormat.of().formatHex(idBytes);
    String secret = PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    ApiKey key = new ApiKey(id, cleanName, role, sha256(secret), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    List<ApiKey> keys = new ArrayList<>(read().keys());
    keys.add(key);
    write(keys);
    return new Issued(key, secret);
  }

  /** Removes the key with this id; false when there is none. */
  public synchronized boolean revoke(String id) {
    List<ApiKey> keys = new ArrayList<>(read().keys());
    boolean removed = keys.removeIf(key -> key.id().equals(id));
    if (removed) {
      write(keys);
    }
    return removed;
  }

  /** The key this text is, if it is a valid, unrevoked key. */
  public Optional<ApiKey> authenticate(String presented) {
    if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 200) {
      return Optional.empty();
    }
    int idEnd = PREFIX.length() + ID_BYTES * 2;
    if (presented.length() <= idEnd || presented.charAt(idEnd) != '_') {
      return Optional.empty();
    }
    String id = presented.substring(PREFIX.length(), idEnd);
    byte[] hash = HexFormat.of().parseHex(sha256(presented));
    for (ApiKey key : current().keys()) {
      if (key.id().equals(id) && MessageDigest.isEqual(hash, HexFormat.of().parseHex(key.sha256()))) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  /** The keys, re-read when the file changed since the last look. */
  private Snapshot current() {
    Snapshot seen = snapshot;
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (modified.equals(seen.modified()) && size == seen.size()) {
        return seen;
      }
    } catch (NoSuchFileException e) {
      if (!seen.keys().isEmpty() || seen.modified() != null) {
        snapshot = new Snapshot(null, -1, List.of());
      }
      return snapshot;
    } catch (IOException e) {
      throw new UncheckedIOException("the API key file " + file + " cannot be read: " + e.getMessage(), e);
    }
    synchronized (this) {
      snapshot = read();
      return snapshot;
    }
  }

  private Snapshot read() {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      Contents contents = json.readValue(file.toFile(), Contents.class);
      return new Snapshot(modified, size, contents.keys() == null ? List.of() : List.copyOf(contents.keys()));
    } catch (NoSuchFileException e) {
      return new Snapshot(null, -1, List.of());
    } catch (IOException e) {
      throw new UncheckedIOException("the API key file " + file + " cannot be read (" + e.getMessage()
          + "); fix it, or remove it and create the keys again", e);
    }
  }

  /** Replaces the file in one atomic step, readable by its owner only. */
  private void write(List<ApiKey> keys) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path partial = dir.resolve(file.getFileName() + ".tmp");
      Files.deleteIfExists(partial);
      try {
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(partial);
      }
      Files.write(partial, json.writeValueAsBytes(new Contents(keys)));
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      snapshot = read();
    } catch (IOException e) {
      throw new UncheckedIOException("the API key file " + file + " cannot be written: " + e.getMessage(), e);
    }
  }

  private static String checkName(String name) {
    String trimmed = name == null ? "" : name.strip();
    if (trimmed.isEmpty() || trimmed.length() > 100 || trimmed.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("a key's name is 1 to 100 printable characters, such as the client "
          + "or the person it is for");
    }
    return trimmed;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
