package dev.visage.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The shared, verified model files and real photographs the tests read in place (they are never
 * copied into the repository). Found at the {@code visage.shared.dir} system property, the
 * {@code VISAGE_SHARED_DIR} variable, or {@code ../shared} beside the repository.
 */
public final class SharedData {

  private static final Path ROOT = locate();

  private SharedData() {}

  private static Path locate() {
    String configured = System.getProperty("visage.shared.dir", System.getenv("VISAGE_SHARED_DIR"));
    List<Path> candidates = configured != null
        ? List.of(Path.of(configured))
        : List.of(Path.of("../shared"), Path.of("../../shared"));
    for (Path candidate : candidates) {
      if (Files.isDirectory(candidate.resolve("testdata")) && Files.isDirectory(candidate.resolve("models"))) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException("The tests need the shared models and photos (a 'shared' folder with models/ "
        + "and testdata/ beside the repository); looked at " + candidates
        + ". Set VISAGE_SHARED_DIR to where they are.");
  }

  public static Path models() {
    return ROOT.resolve("models");
  }

  public static Path model(String file) {
    return models().resolve(file);
  }

  public static Path faces() {
    return ROOT.resolve("testdata/faces");
  }

  public static Path photo(String relative) {
    return faces().resolve(relative);
  }

  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(photo(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path video() {
    return ROOT.resolve("testdata/video/short_hamilton_clip.mp4");
  }

  /** Every photo of a person folder (not the _group, _noface, _variants folders), sorted by name. */
  public static Map<String, List<Path>> photosByPerson() {
    Map<String, List<Path>> byPerson = new TreeMap<>();
    try (Stream<Path> folders = Files.list(faces())) {
      for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
        String name = folder.getFileName().toString();
        if (!name.startsWith("_")) {
          byPerson.put(name, photosIn(folder));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return byPerson;
  }

  /** The photos in one folder of testdata/faces, sorted by name. */
  public static List<Path> photosIn(String folder) {
    return photosIn(faces().resolve(folder));
  }

  private static List<Path> photosIn(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every photo under testdata/faces, sorted by path. */
  public static List<Path> allPhotos() {
    try (Stream<Path> files = Files.walk(faces())) {
      return files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".csv")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many faces OpenCV's FaceDetectorYN finds in each photo (REFERENCE_FACE_COUNTS.csv). */
  public static Map<String, Integer> referenceFaceCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    try {
      List<String> lines = Files.readAllLines(faces().resolve("REFERENCE_FACE_COUNTS.csv"));
      for (String line : lines.subList(1, lines.size())) {
        String[] columns = line.split(",");
        counts.put(columns[0], Integer.parseInt(columns[2].trim()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return counts;
  }

  public static String relative(Path photo) {
    return faces().relativize(photo).toString().replace('\\', '/');
  }
}
