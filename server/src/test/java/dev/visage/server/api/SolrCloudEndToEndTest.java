package dev.visage.server.api;

import dev.visage.server.testing.SolrCloudProcess;
import dev.visage.server.testing.TestServer;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole unary end-to-end suite again, with two stateless recognition servers sharing one
 * SolrCloud collection (3 nodes, 2 shards x 2 replicas, in a JVM of its own): every enrollment,
 * rename and delete goes through one server, every identification and read through the other.
 */
class SolrCloudEndToEndTest extends GrpcEndToEndTest {

  @BeforeAll
  static void start() throws Exception {
    SolrCloudProcess solr = SolrCloudProcess.shared();
    String[] flags = solr.serverFlags("e2e");
    String[] withLimit = java.util.stream.Stream.concat(java.util.Arrays.stream(flags),
        java.util.stream.Stream.of("--max-message-bytes=4194304")).toArray(String[]::new);
    writer = TestServer.start(Files.createDirectories(data.resolve("writer")), withLimit);
    reader = TestServer.start(Files.createDirectories(data.resolve("reader")), withLimit);
  }

  @AfterAll
  static void stop() throws Exception {
    writer.close();
    reader.close();
  }
}
