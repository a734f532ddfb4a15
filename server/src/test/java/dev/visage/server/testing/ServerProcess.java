package dev.visage.server.testing;

import dev.visage.server.cli.VisageCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The {@code visage} command line as a separate process, as an operator runs it, with its output
 * collected line by line.
 */
public final class ServerProcess {

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private record Waiter(String wanted, CompletableFuture<String> seen) {}

  private ServerProcess(Process process) {
    this.process = process;
    this.reader = Thread.ofVirtual().start(this::read);
  }

  /** Runs {@code visage ARGS} with only the given VISAGE_ variables set. */
  public static ServerProcess launch(Map<String, String> environment, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), VisageCommand.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("VISAGE_"));
    builder.environment().putAll(environment);
    return new ServerProcess(builder.start());
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        lines.add(line);
        for (Waiter waiter : waiters) {
          if (line.contains(waiter.wanted())) {
            waiter.seen().complete(line);
          }
        }
      }
    } catch (IOException ignored) {
      // The process ended.
    }
    waiters.forEach(waiter -> waiter.seen().complete(null));
  }

  /** The first line (from now on, or already printed) containing {@code wanted}; null if the output ends first. */
  public String awaitLine(String wanted, Duration timeout) throws Exception {
    CompletableFuture<String> seen = new CompletableFuture<>();
    waiters.add(new Waiter(wanted, seen));
    lines.stream().filter(line -> line.contains(wanted)).findFirst().ifPresent(seen::complete);
    if (!reader.isAlive()) {
      seen.complete(null);
    }
    return seen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  public String output() {
    return String.join("\n", lines);
  }

  /** SIGTERM, as a service manager stops a service. */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** SIGKILL: no shutdown hook, no flush, nothing. */
  public void kill() {
    process.toHandle().destroyForcibly();
  }

  /** Waits for the process to end and its output to be read to the last line. */
  public boolean finished(Duration timeout) throws InterruptedException {
    boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return ended;
  }

  public int exitValue() {
    return process.exitValue();
  }
}
