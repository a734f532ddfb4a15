package dev.visage.server.cli;

import dev.visage.server.config.ServerOptions;
import dev.visage.server.config.SettingsFile;
import dev.visage.server.config.SettingsReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code visage config}: check a settings file, or show the settings a server would start with. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Check a settings file, or show every setting a server would start with and where it comes from.",
    subcommands = {ConfigCommand.Check.class, ConfigCommand.Show.class})
final class ConfigCommand {

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Validate a settings file: unknown names, values that do not parse, settings that contradict each other.")
  static final class Check implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The properties file.")
    Path file;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      SettingsFile settings;
      try {
        settings = SettingsFile.read(file);
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        err.flush();
        return 2;
      }
      List<String> problems = problems(settings);
      if (problems.isEmpty()) {
        out.printf("%s: %d setting(s), all valid.%n", file, settings.values().size());
        out.flush();
        return 0;
      }
      err.printf("%s has %d problem(s):%n", file, problems.size());
      problems.forEach(problem -> err.println("  " + problem));
      err.flush();
      return 2;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
      description = "Print every setting with its value and where it comes from (flag, VISAGE_ variable, file, default).")
  static final class Show implements Callable<Integer> {
    @Mixin ServerOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      SettingsFile file = options.settingsFile();
      options.toSettings(); // refuses contradictory settings as serve would
      PrintWriter out = spec.commandLine().getOut();
      SettingsReport.of(spec, spec.commandLine().getParseResult(), file).forEach(out::println);
      out.flush();
      return 0;
    }
  }

  /** Everything wrong with a settings file, one sentence each; empty when it is valid. */
  static List<String> problems(SettingsFile settings) {
    CommandSpec reference = new CommandLine(new ServerOptions()).getCommandSpec();
    List<String> known = reference.options().stream().map(ServerOptions::fileName).filter(name -> !name.equals("config")).toList();
    List<String> problems = new ArrayList<>();
    List<String> arguments = new ArrayList<>();
    for (Map.Entry<String, String> entry : settings.values().entrySet()) {
      String name = entry.getKey();
      OptionSpec option = reference.findOption("--" + name);
      if (option == null || name.equals("config")) {
        String closest = known.stream().min(Comparator.comparingInt(candidate -> distance(candidate, name))).orElse("");
        problems.add("'" + name + "' is not a setting" + (distance(closest, name) <= 3 ? " (did you mean '" + closest + "'?)" : "")
            + "; './visage serve --help' lists them");
        continue;
      }
      String argument = "--" + name + "=" + entry.getValue();
      try {
        CommandLine single = new CommandLine(new ServerOptions());
        single.setCaseInsensitiveEnumValuesAllowed(true);
        single.parseArgs(argument);
        arguments.add(argument);
      } catch (CommandLine.ParameterException e) {
        problems.add(name + " = " + entry.getValue() + ": " + e.getMessage());
      }
    }
    if (problems.isEmpty()) {
      try {
        ServerOptions.parse(arguments.toArray(String[]::new));
      } catch (IllegalArgumentException | CommandLine.ParameterException e) {
        problems.add(e.getMessage());
      }
    }
    return problems;
  }

  /** Edit distance, for suggesting the setting someone meant. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
