package dev.visage.microbench;

import dev.visage.server.bench.MachineInfo;
import dev.visage.server.bench.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the JMH benchmarks in rounds (each a fresh JMH run of every benchmark, so Visage's and
 * OpenCV's sides alternate through the whole measurement) and prints, per benchmark, the median
 * time of each side and the median of the per-round ratios.
 */
@Command(name = "microbench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Micro-benchmarks of the pipeline's small steps, each against OpenCV's equivalent.")
public final class Microbenchmarks implements Callable<Integer> {

  @Option(names = "--include", defaultValue = ".*Benchmark.*", description = "Regex of benchmarks to run. Default: ${DEFAULT-VALUE}.")
  String include;

  @Option(names = "--rounds", defaultValue = "3", description = "JMH runs, alternating the sides. Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(names = "--iterations", defaultValue = "5", description = "Measured 1-second iterations per side and round. Default: ${DEFAULT-VALUE}.")
  int iterations;

  @Option(names = "--quick", description = "A smoke run: no forks, short iterations (figures are not meaningful).")
  boolean quick;

  @Option(names = "--markdown", description = "Also write the table, with the machine's description, to this file.")
  Path markdown;

  /** One benchmark with its parameters; holds each side's median time per round. */
  private record Key(String benchmark, String params) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new Microbenchmarks()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Map<Key, Map<String, List<Double>>> timings = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (RunResult result : run()) {
        BenchmarkResult aggregate = result.getAggregatedResult();
        String label = result.getParams().getBenchmark();
        int dot = label.lastIndexOf('.');
        String side = label.substring(dot + 1);
        String benchmark = label.substring(label.lastIndexOf('.', dot - 1) + 1, dot).replace("Benchmark", "");
        StringBuilder params = new StringBuilder();
        for (String name : result.getParams().getParamsKeys()) {
          params.append(params.isEmpty() ? "" : ", ").append(result.getParams().getParam(name));
        }
        List<Double> iterationScores = new ArrayList<>();
        for (IterationResult iteration : aggregate.getIterationResults()) {
          iterationScores.add(iteration.getPrimaryResult().getScore());
        }
        timings.computeIfAbsent(new Key(benchmark, params.toString()), k -> new LinkedHashMap<>())
            .computeIfAbsent(side, s -> new ArrayList<>()).add(median(iterationScores));
      }
    }
    Table table = table(timings);
    String machine = MachineInfo.current().describe();
    System.out.printf("%n%s%n%n%s", machine, table.text());
    if (markdown != null) {
      Files.writeString(markdown, "Machine: " + machine + "\n\n" + table.markdown());
      System.out.println("Written to " + markdown);
    }
    return 0;
  }

  private Collection<RunResult> run() throws Exception {
    OptionsBuilder options = new OptionsBuilder();
    options.include(include)
        .mode(org.openjdk.jmh.annotations.Mode.AverageTime)
        .timeUnit(TimeUnit.MICROSECONDS)
        .shouldFailOnError(true)
        .jvmArgsAppend("--enable-native-access=ALL-UNNAMED",
            "-D" + Fixtures.SHARED_PROPERTY + "=" + Fixtures.shared().toAbsolutePath());
    if (quick) {
      options.forks(0).warmupIterations(1).warmupTime(TimeValue.milliseconds(100))
          .measurementIterations(2).measurementTime(TimeValue.milliseconds(100));
    } else {
      options.forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1))
          .measurementIterations(iterations).measurementTime(TimeValue.seconds(1));
    }
    Options built = options.build();
    return new Runner(built).run();
  }

  private static Table table(Map<Key, Map<String, List<Double>>> timings) {
    Table table = new Table("step", "input", "Visage µs", "OpenCV µs", "OpenCV / Visage time", "rounds");
    timings.forEach((key, sides) -> {
      List<Double> ours = sides.getOrDefault("visage", List.of());
      List<Double> theirs = sides.getOrDefault("opencv", List.of());
      List<Double> ratios = new ArrayList<>();
      for (int r = 0; r < Math.min(ours.size(), theirs.size()); r++) {
        ratios.add(theirs.get(r) / ours.get(r));
      }
      table.add(key.benchmark(), key.params().isEmpty() ? "-" : key.params(), f(median(ours)), f(median(theirs)),
          String.format(Locale.ROOT, "%.2f", median(ratios)), ratios.size());
    });
    return table;
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  private static String f(double micros) {
    return String.format(Locale.ROOT, micros < 10 ? "%.2f" : "%.1f", micros);
  }
}
