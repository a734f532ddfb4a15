package dev.visage.server.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Photos for benchmarks and evaluation: a folder tree, or one sub-folder per person. */
public final class Photos {

  private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "webp");

  private Photos() {}

  /** Every photo under the folder, in path order. */
  public static List<Path> under(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile).filter(Photos::isPhoto).sorted().toList();
    }
  }

  public static List<byte[]> read(List<Path> files) throws IOException {
    List<byte[]> bytes = new ArrayList<>(files.size());
    for (Path file : files) {
      bytes.add(Files.readAllBytes(file));
    }
    return bytes;
  }

  /**
   * The photos of each person, for a folder with one sub-folder per person (the layout of common
   * face datasets). Sub-folders whose names start with "_" are not persons and are skipped.
   */
  public static Map<String, List<Path>> byPerson(Path folder) throws IOException {
    Map<String, List<Path>> persons = new LinkedHashMap<>();
    try (Stream<Path> folders = Files.list(folder)) {
      for (Path person : folders.filter(Files::isDirectory).sorted().toList()) {
        String name = person.getFileName().toString();
        if (!name.startsWith("_")) {
          List<Path> photos = under(person);
          if (!photos.isEmpty()) {
            persons.put(name, photos);
          }
        }
      }
    }
    return persons;
  }

  private static boolean isPhoto(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1));
  }
}
