package dev.visage.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real SolrCloud for the tests: three Solr nodes and an embedded ZooKeeper, run by the
 * solrcloud-harness module in a JVM of its own (Solr's Lucene 9 never meets the server's Lucene 10).
 * One cluster serves every test in the JVM; each test class uses its own collections. The cluster
 * stops with the test JVM (the harness exits when its standard input closes).
 */
public final class SolrCloudProcess {

  public static final int NODES = 3;
  private static final String PREFIX = "VISAGE-HARNESS ";
  private static SolrCloudProcess shared;

  private final Process process;
  private final PrintWriter commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final String zkHost;
  private final List<String> nodeUrls;
  private final Path log;

  private SolrCloudProcess(Path baseDir) throws IOException, InterruptedException {
    Path harness = harnessDir();
    String classpath = harness.resolve("classes") + java.io.File.pathSeparator
        + Files.readString(harness.resolve("harness.classpath")).strip();
    String java = ProcessHandle.current().info().command().orElse("java");
    log = baseDir.resolve("solrcloud.log");
    process = new ProcessBuilder(java, "-Xmx1536m", "-XX:+UseG1GC", "-cp", classpath,
        "dev.visage.solrharness.SolrCloudHarness", Integer.toString(NODES), baseDir.resolve("nodes").toString())
        .redirectError(log.toFile())
        .start();
    commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          if (line.startsWith(PREFIX)) {
            answers.add(line.substring(PREFIX.length()));
          }
        }
      } catch (IOException e) {
        answers.add("ERROR " + e);
      }
      answers.add("ERROR the SolrCloud harness exited; its log is " + log);
    }, "solrcloud-harness-reader");
    reader.setDaemon(true);
    reader.start();
    String ready = answer(180);
    if (!ready.startsWith("READY ")) {
      process.destroyForcibly();
      throw new IllegalStateException("SolrCloud did not start: " + ready + " (log: " + log + ")");
    }
    String[] words = ready.split(" ");
    zkHost = words[1].substring("zk=".length());
    nodeUrls = List.of(words[2].substring("nodes=".length()).split(","));
  }

  /** The cluster every test shares, started on first use. */
  public static synchronized SolrCloudProcess shared() {
    if (shared == null) {
      try {
        shared = new SolrCloudProcess(Files.createTempDirectory("visage-solrcloud"));
      } catch (IOException e) {
        throw new IllegalStateException("the SolrCloud harness could not start: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while SolrCloud started", e);
      }
      SolrCloudProcess started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::quit));
    }
    return shared;
  }

  private static Path harnessDir() {
    String configured = System.getProperty("visage.solr.harness");
    Path dir = configured != null ? Path.of(configured) : Path.of("../solrcloud-harness/target");
    if (!Files.isRegularFile(dir.resolve("harness.classpath"))) {
      throw new IllegalStateException("the SolrCloud test harness is not built at " + dir.toAbsolutePath()
          + "; build the whole project (mvn verify from the top) rather than the server module alone");
    }
    return dir;
  }

  /** ZooKeeper's address with Solr's chroot, e.g. 127.0.0.1:40000/solr. */
  public String zkHost() {
    return zkHost;
  }

  public List<String> nodeUrls() {
    return nodeUrls;
  }

  /** Stops node {@code index}; its data stays, and {@link #startNode} brings it back. */
  public void stopNode(int index) throws InterruptedException {
    command("stop " + index);
  }

  public void startNode(int index) throws InterruptedException {
    command("start " + index);
  }

  /** Flags that point a server at this cluster's collection. */
  public String[] serverFlags(String collection) {
    return new String[] {"--gallery=SOLRCLOUD", "--solr-zk-hosts=" + zkHost, "--solr-collection=" + collection};
  }

  private synchronized void command(String command) throws InterruptedException {
    answers.clear();
    commands.println(command);
    String answer = answer(120);
    if (!answer.startsWith("OK")) {
      throw new IllegalStateException("SolrCloud harness: '" + command + "' failed: " + answer + " (log: " + log + ")");
    }
  }

  private String answer(int seconds) throws InterruptedException {
    String answer = answers.poll(seconds, TimeUnit.SECONDS);
    return answer != null ? answer : "ERROR no answer within " + seconds + " s";
  }

  private void quit() {
    commands.println("quit");
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
    }
  }
}
