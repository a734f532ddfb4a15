package dev.visage.server.camera;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The registered cameras, kept in a JSON file so that they come back after a restart. */
final class CameraStore {

  private record Contents(List<CameraSpec> cameras) {}

  private final Path file;
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  CameraStore(Path file) {
    this.file = file;
  }

  List<CameraSpec> load() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return json.readValue(file.toFile(), Contents.class).cameras();
    } catch (IOException e) {
      throw new UncheckedIOException("the camera list " + file + " cannot be read (" + e.getMessage()
          + "); fix or remove the file", e);
    }
  }

  /** Replaces the file in one atomic step: a crash leaves the old list or the new one. */
  void save(List<CameraSpec> cameras) {
    try {
      Files.createDirectories(file.getParent());
      Path partial = file.resolveSibling(file.getFileName() + ".tmp");
      json.writeValue(partial.toFile(), new Contents(cameras));
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("the camera list " + file + " cannot be saved: " + e.getMessage(), e);
    }
  }
}
