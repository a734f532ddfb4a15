package dev.visage.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A properties file of server settings: one line per option, named as the option without its
 * dashes ({@code port = 50051}, {@code max-message-bytes = 16777216}). Flags win over environment
 * variables, which win over the file, which wins over the defaults.
 */
public final class SettingsFile {

  private final Path path;
  private final Map<String, String> values;

  private SettingsFile(Path path, Map<String, String> values) {
    this.path = path;
    this.values = values;
  }

  public static SettingsFile read(Path path) {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("the settings file " + path + " cannot be read: " + e.getMessage(), e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    properties.stringPropertyNames().stream().sorted()
        .forEach(key -> values.put(key.strip().replaceFirst("^-+", ""), properties.getProperty(key).strip()));
    return new SettingsFile(path, values);
  }

  /** No file: every lookup is empty. */
  public static SettingsFile none() {
    return new SettingsFile(null, Map.of());
  }

  /**
   * The file named by {@code --config FILE} or {@code --config=FILE} among the arguments, else by
   * {@code VISAGE_CONFIG}; none when neither is there.
   */
  public static SettingsFile fromArguments(String[] args) {
    String named = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        named = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        named = args[i].substring("--config=".length());
      }
    }
    if (named == null) {
      named = System.getenv("VISAGE_CONFIG");
    }
    return named == null || named.isBlank() ? none() : read(Path.of(named));
  }

  public Path path() {
    return path;
  }

  /** Option name (without dashes) to value, as written in the file. */
  public Map<String, String> values() {
    return values;
  }

  public String get(String optionName) {
    return values.get(optionName);
  }
}
