package dev.visage.microbench;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Where the benchmarks find the shared models and photos: {@code -Dvisage.shared.dir}, else the
 * VISAGE_SHARED_DIR environment variable, else {@code ../shared} beside the repository.
 */
final class Fixtures {

  static final String SHARED_PROPERTY = "visage.shared.dir";

  private Fixtures() {}

  static Path shared() {
    String configured = System.getProperty(SHARED_PROPERTY, System.getenv("VISAGE_SHARED_DIR"));
    Path shared = configured != null ? Path.of(configured) : Path.of("..", "shared");
    if (!Files.isDirectory(shared.resolve("models"))) {
      throw new IllegalStateException("no models under " + shared.toAbsolutePath() + "; set -D" + SHARED_PROPERTY
          + " or VISAGE_SHARED_DIR to the folder holding models/ and testdata/");
    }
    return shared;
  }

  static Path model(String file) {
    return shared().resolve("models").resolve(file);
  }

  static byte[] photo(String relative) {
    try {
      return Files.readAllBytes(shared().resolve("testdata/faces").resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes with OpenCV alone, as the reference side would. */
  static Mat imdecodeColour(byte[] encoded) {
    try (BytePointer data = new BytePointer(encoded); Mat bytes = new Mat(1, encoded.length, CV_8UC1, data)) {
      return imdecode(bytes, IMREAD_COLOR);
    }
  }
}
