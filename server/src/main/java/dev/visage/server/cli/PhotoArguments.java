package dev.visage.server.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Files and folders given on the command line, as the photo files they hold (folders searched recursively). */
final class PhotoArguments {

  private static final Set<String> TYPES = Set.of("jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff");

  private PhotoArguments() {}

  static List<Path> expand(List<Path> arguments) throws IOException {
    List<Path> photos = new ArrayList<>();
    for (Path argument : arguments) {
      if (Files.isDirectory(argument)) {
        try (Stream<Path> files = Files.walk(argument)) {
          files.filter(Files::isRegularFile).filter(PhotoArguments::isPhoto).sorted().forEach(photos::add);
        }
      } else {
        photos.add(argument);
      }
    }
    return photos;
  }

  private static boolean isPhoto(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && TYPES.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
