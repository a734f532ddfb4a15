package dev.visage.server.config;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The settings a command runs with, each with where it came from (flag, environment, file or
 * default), for the startup log and {@code visage config show}. Passwords (in URLs, and options named *password) are masked.
 */
public final class SettingsReport {

  /** One setting: its option, its value as text, and where the value came from. */
  public record Line(String option, String value, String source) {
    public boolean isDefault() {
      return source.equals("default");
    }

    @Override
    public String toString() {
      return option + " = " + value + " (" + source + ")";
    }
  }

  private SettingsReport() {}

  /** Every server option of the command, in declaration order. */
  public static List<Line> of(CommandSpec command, ParseResult parsed, SettingsFile file) {
    List<Line> lines = new ArrayList<>();
    for (OptionSpec option : command.options()) {
      if (option.usageHelp() || option.versionHelp() || !(option.userObject() instanceof java.lang.reflect.Field field)
          || field.getDeclaringClass() != ServerOptions.class) {
        continue;
      }
      String source = parsed != null && parsed.hasMatchedOption(option) ? "flag"
          : System.getenv(ServerOptions.environmentName(option)) != null ? ServerOptions.environmentName(option)
          : file.get(ServerOptions.fileName(option)) != null ? "file " + file.path()
          : "default";
      String value = text(option.getValue());
      boolean secret = option.longestName().endsWith("password") && option.getValue() != null;
      lines.add(new Line(option.longestName(), secret ? "***" : masked(value), source));
    }
    return lines;
  }

  private static String text(Object value) {
    if (value == null) {
      return "(not set)";
    }
    if (value.getClass().isArray()) {
      List<String> items = new ArrayList<>();
      for (int i = 0; i < Array.getLength(value); i++) {
        items.add(String.valueOf(Array.get(value, i)));
      }
      return String.join(",", items);
    }
    if (value instanceof Collection<?> items) {
      return items.isEmpty() ? "(none)" : String.join(",", items.stream().map(Objects::toString).toList());
    }
    return value.toString();
  }

  /** {@code https://user:secret@host} becomes {@code https://user:***@host}. */
  static String masked(String value) {
    return value.replaceAll("(://[^/:@\\s,]+:)[^@/\\s,]+@", "$1***@");
  }
}
