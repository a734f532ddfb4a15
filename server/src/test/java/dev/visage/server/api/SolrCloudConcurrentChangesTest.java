package dev.visage.server.api;

import dev.visage.server.testing.SolrCloudProcess;
import dev.visage.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The same races with two servers sharing a SolrCloud collection: half the clients on each, all
 * on the same few persons; the final gallery still matches what was acknowledged.
 */
class SolrCloudConcurrentChangesTest extends ConcurrentChangesTest {

  @Override
  List<TestServer> startServers(Path data) throws Exception {
    SolrCloudProcess solr = SolrCloudProcess.shared();
    String[] flags = {"--gallery=SOLRCLOUD", "--solr-zk-hosts=" + solr.zkHost(), "--solr-collection=concurrent-changes",
        "--max-concurrent-requests=256"};
    return List.of(TestServer.start(Files.createDirectories(data.resolve("a")), flags),
        TestServer.start(Files.createDirectories(data.resolve("b")), flags));
  }
}
