package dev.visage.server.gallery.solr;

import dev.visage.server.gallery.VectorIndexSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.cloud.DocCollection;
import org.apache.solr.common.cloud.Replica;
import org.apache.solr.common.cloud.Slice;
import org.apache.solr.common.util.ContentStreamBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the gallery's collection when it is missing: uploads the config set (schema.xml and
 * solrconfig.xml from this package, with the vector length and HNSW parameters filled in) and
 * creates a sharded, replicated collection from it, then waits until every replica is active
 * (for a collection that was already there, until every shard has a leader).
 */
public final class SolrCollectionSetup {

  private static final Logger log = LoggerFactory.getLogger(SolrCollectionSetup.class);
  private static final Duration READY_WAIT = Duration.ofSeconds(90);

  private SolrCollectionSetup() {}

  /**
   * Creates the collection of these settings unless it exists (the admin command's way, ahead of
   * any server), and describes it.
   *
   * @return e.g. "created: 2 shards, 4 replicas on 3 nodes"
   */
  public static String create(SolrSettings settings, int dimension, VectorIndexSettings vectors) throws Exception {
    SolrSettings creating = new SolrSettings(settings.zkHosts(), settings.zkChroot(), settings.solrUrls(),
        settings.collection(), settings.shards(), settings.replicas(), true, settings.user(), settings.password(),
        settings.trustStore(), settings.trustStorePassword(), settings.keyStore(), settings.keyStorePassword(),
        settings.requestTimeout());
    try (CloudSolrClient client = SolrConnector.connect(creating)) {
      boolean created = ensure(client, creating, dimension, vectors);
      DocCollection state = client.getClusterState().getCollection(settings.collection());
      long nodes = state.getReplicas().stream().map(Replica::getNodeName).distinct().count();
      return (created ? "created" : "already there") + ": " + state.getSlices().size() + " shards, "
          + state.getReplicas().size() + " replicas on " + nodes + " nodes";
    }
  }

  /** The config set's name for a collection. */
  static String configSetName(String collection) {
    return "visage-" + collection;
  }

  /** True when the collection exists. */
  static boolean exists(CloudSolrClient client, String collection) throws IOException, SolrServerException {
    return CollectionAdminRequest.listCollections(client).contains(collection);
  }

  /**
   * Creates the collection unless it exists; either way returns once every shard has an active leader.
   *
   * @return true when this call created it
   */
  static boolean ensure(CloudSolrClient client, SolrSettings settings, int dimension, VectorIndexSettings vectors)
      throws IOException, SolrServerException, InterruptedException {
    String collection = settings.collection();
    boolean created = false;
    if (!exists(client, collection)) {
      if (!settings.createIfMissing()) {
        throw new IllegalStateException("the SolrCloud collection '" + collection + "' does not exist at "
            + settings.where() + "; create it as docs/SOLRCLOUD.md describes, or start with --solr-create-collection=true "
            + "and the server creates it");
      }
      String configSet = configSetName(collection);
      ConfigSetAdminRequest.Upload upload = new ConfigSetAdminRequest.Upload();
      upload.setConfigSetName(configSet);
      upload.setOverwrite(true);
      upload.setUploadStream(new ContentStreamBase.ByteArrayStream(
          configSetZip(dimension, vectors), configSet + ".zip", "application/zip"));
      upload.process(client);
      try {
        CollectionAdminRequest.createCollection(collection, configSet, settings.shards(), settings.replicas())
            .process(client);
        created = true;
        awaitReady(client, collection, true);
        log.info("Created the SolrCloud collection '{}' ({} shards x {} replicas, {}-value vectors, HNSW M={} beam={})",
            collection, settings.shards(), settings.replicas(), dimension, vectors.maxConnections(), vectors.beamWidth());
      } catch (SolrException | SolrServerException e) {
        if (!exists(client, collection)) {
          throw e;
        }
        awaitReady(client, collection, true);
        log.info("The SolrCloud collection '{}' was created meanwhile by another server", collection);
      }
    }
    awaitLeaders(client, collection);
    return created;
  }

  /** Waits until every shard of the collection has an active leader on a live node. */
  static void awaitLeaders(CloudSolrClient client, String collection) throws InterruptedException {
    awaitReady(client, collection, false);
  }

  /**
   * Waits until the collection is ready: every shard's leader active on a live node, and with
   * {@code everyReplica} every replica too. A collection just created needs the latter: a replica
   * still recovering ignores commits, so a change made meanwhile could stay invisible on it.
   */
  static void awaitReady(CloudSolrClient client, String collection, boolean everyReplica) throws InterruptedException {
    long deadline = System.nanoTime() + READY_WAIT.toNanos();
    String problem = "";
    while (System.nanoTime() < deadline) {
      try {
        problem = notReady(client.getClusterState().getCollectionOrNull(collection),
            client.getClusterState().getLiveNodes(), everyReplica);
        if (problem.isEmpty()) {
          return;
        }
      } catch (SolrException e) {
        problem = e.getMessage();
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the SolrCloud collection '" + collection + "' is not ready after "
        + READY_WAIT.toSeconds() + " s: " + problem + "; check the Solr nodes' logs");
  }

  /** What keeps the collection from being ready, or "" when nothing does. */
  private static String notReady(DocCollection state, Set<String> live, boolean everyReplica) {
    if (state == null) {
      return "it is not in the cluster state yet";
    }
    for (Slice slice : state.getActiveSlices()) {
      Replica leader = slice.getLeader();
      if (leader == null || !isActive(leader, live)) {
        return "shard " + slice.getName() + " has no active leader";
      }
      if (everyReplica) {
        for (Replica replica : slice.getReplicas()) {
          if (!isActive(replica, live)) {
            return "replica " + replica.getName() + " of shard " + slice.getName() + " is " + replica.getState();
          }
        }
      }
    }
    return "";
  }

  private static boolean isActive(Replica replica, Set<String> live) {
    return replica.getState() == Replica.State.ACTIVE && live.contains(replica.getNodeName());
  }

  /** The config set as a zip: schema.xml with the values filled in, and solrconfig.xml. */
  static byte[] configSetZip(int dimension, VectorIndexSettings vectors) throws IOException {
    String schema = resource("schema.xml");
    for (Map.Entry<String, String> value : Map.of("${dimension}", Integer.toString(dimension),
        "${hnswMaxConnections}", Integer.toString(vectors.maxConnections()),
        "${hnswBeamWidth}", Integer.toString(vectors.beamWidth())).entrySet()) {
      schema = schema.replace(value.getKey(), value.getValue());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (var file : List.of(Map.entry("schema.xml", schema), Map.entry("solrconfig.xml", resource("solrconfig.xml")))) {
        zip.putNextEntry(new ZipEntry(file.getKey()));
        zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = SolrCollectionSetup.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("the Solr config file " + name + " is missing from the server's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
