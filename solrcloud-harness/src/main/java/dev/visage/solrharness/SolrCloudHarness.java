package dev.visage.solrharness;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A real SolrCloud for tests: an embedded ZooKeeper and N Solr nodes (Jetty), each with its own
 * data on disk, in this JVM. The server's tests start it as a separate process and drive it over
 * standard input and output, one command per line:
 *
 * <pre>
 *   stop I      stops node I (0-based); its data stays on disk
 *   start I     starts node I again on the same port; it rejoins and catches up
 *   quit        shuts the cluster down (so does the end of standard input)
 * </pre>
 *
 * Every answer is one line starting with {@code VISAGE-HARNESS}: {@code READY zk=HOST:PORT
 * nodes=URL,URL,...} once the cluster is up, then {@code OK ...} or {@code ERROR ...} per command.
 */
public final class SolrCloudHarness {

  private static final String PREFIX = "VISAGE-HARNESS ";

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: SolrCloudHarness NODES BASE_DIR");
      System.exit(2);
    }
    int nodes = Integer.parseInt(args[0]);
    Path baseDir = Files.createDirectories(Path.of(args[1]));
    // Solr refuses paths outside its home unless they are allowed.
    System.setProperty("solr.allowPaths", "*");
    MiniSolrCloudCluster cluster =
        new MiniSolrCloudCluster(nodes, baseDir, JettyConfig.builder().build());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(cluster)));
    // The cluster drops a node from its own list when it stops; node numbers stay fixed here.
    List<JettySolrRunner> runners = List.copyOf(cluster.getJettySolrRunners());
    say("READY zk=" + cluster.getZkServer().getZkAddress() + " nodes=" + nodeUrls(runners));

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String[] words = line.trim().split("\\s+");
      try {
        switch (words[0]) {
          case "stop" -> {
            JettySolrRunner node = runners.get(Integer.parseInt(words[1]));
            cluster.stopJettySolrRunner(node);
            cluster.waitForJettyToStop(node);
            say("OK stopped " + words[1]);
          }
          case "start" -> {
            JettySolrRunner node = runners.get(Integer.parseInt(words[1]));
            cluster.startJettySolrRunner(node, true);
            cluster.waitForNode(node, 60);
            say("OK started " + words[1] + " " + node.getBaseUrl());
          }
          case "nodes" -> say("OK " + nodeUrls(runners));
          case "quit" -> {
            shutdown(cluster);
            say("OK bye");
            System.exit(0);
          }
          default -> say("ERROR unknown command: " + line);
        }
      } catch (Exception e) {
        e.printStackTrace();
        say("ERROR " + e);
      }
    }
    System.exit(0); // the test JVM went away: the shutdown hook stops the cluster
  }

  private static String nodeUrls(List<JettySolrRunner> runners) {
    return runners.stream().map(r -> String.valueOf(r.getBaseUrl())).collect(Collectors.joining(","));
  }

  private static synchronized void shutdown(MiniSolrCloudCluster cluster) {
    try {
      cluster.shutdown();
    } catch (Exception e) {
      System.err.println("SolrCloud harness: shutdown failed: " + e);
    }
  }

  private static synchronized void say(String line) {
    System.out.println(PREFIX + line);
    System.out.flush();
  }
}
