package dev.visage.server.gallery.solr;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the SolrCloud gallery lives and how to reach it.
 *
 * @param zkHosts ZooKeeper addresses (host:port), empty to use {@code solrUrls} instead
 * @param zkChroot the ZooKeeper path Solr keeps its state under (e.g. /solr), or null for the root
 * @param solrUrls Solr node URLs (http[s]://host:8983/solr), used when {@code zkHosts} is empty
 * @param collection the collection holding the gallery
 * @param shards shards of a collection the server creates
 * @param replicas copies of each shard in a collection the server creates (2 or more survive a node's loss)
 * @param createIfMissing whether the server creates the collection when it does not exist
 * @param user basic-auth user, or null
 * @param password basic-auth password, or null
 * @param trustStore TLS: the trust store (JKS or PKCS12) with Solr's CA, or null for the JDK's
 * @param trustStorePassword its password, or null
 * @param keyStore mutual TLS: this server's client certificate and key, or null
 * @param keyStorePassword its password, or null
 * @param requestTimeout the longest a request to Solr may take
 */
public record SolrSettings(
    List<String> zkHosts,
    String zkChroot,
    List<String> solrUrls,
    String collection,
    int shards,
    int replicas,
    boolean createIfMissing,
    String user,
    String password,
    Path trustStore,
    String trustStorePassword,
    Path keyStore,
    String keyStorePassword,
    Duration requestTimeout) {

  public SolrSettings {
    zkHosts = List.copyOf(zkHosts);
    solrUrls = List.copyOf(solrUrls);
    if (zkHosts.isEmpty() && solrUrls.isEmpty()) {
      throw new IllegalArgumentException("--gallery solrcloud needs --solr-zk-hosts (ZooKeeper host:port list) "
          + "or --solr-urls (Solr node URLs)");
    }
    if (!zkHosts.isEmpty() && !solrUrls.isEmpty()) {
      throw new IllegalArgumentException("give --solr-zk-hosts or --solr-urls, not both");
    }
    if (collection == null || !collection.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("--solr-collection must be letters, digits, '.', '_' or '-', got '"
          + collection + "'");
    }
    if (shards < 1 || replicas < 1) {
      throw new IllegalArgumentException("--solr-shards and --solr-replicas must be at least 1");
    }
    if ((user == null) != (password == null)) {
      throw new IllegalArgumentException("--solr-user and --solr-password go together");
    }
  }

  /** Connection to {@code zkHosts} ({@code host:port,host:port/chroot}) with the other settings at defaults. */
  public static SolrSettings viaZooKeeper(String zkHostString, String collection, int shards, int replicas) {
    String[] hostsAndChroot = splitChroot(zkHostString);
    return new SolrSettings(List.of(hostsAndChroot[0].split(",")), hostsAndChroot[1], List.of(), collection,
        shards, replicas, true, null, null, null, null, null, null, Duration.ofSeconds(30));
  }

  /** Splits {@code h1:p1,h2:p2/solr} into the hosts and the chroot (null when there is none). */
  public static String[] splitChroot(String zkHostString) {
    int slash = zkHostString.indexOf('/');
    return slash < 0 ? new String[] {zkHostString, null}
        : new String[] {zkHostString.substring(0, slash), zkHostString.substring(slash)};
  }

  /** The same cluster, another collection. */
  public SolrSettings withCollection(String other) {
    return new SolrSettings(zkHosts, zkChroot, solrUrls, other, shards, replicas, createIfMissing, user, password,
        trustStore, trustStorePassword, keyStore, keyStorePassword, requestTimeout);
  }

  /** The addresses, for messages. */
  public String where() {
    return zkHosts.isEmpty() ? String.join(",", solrUrls)
        : "ZooKeeper " + String.join(",", zkHosts) + (zkChroot == null ? "" : zkChroot);
  }

  public boolean tls() {
    return trustStore != null || keyStore != null || solrUrls.stream().anyMatch(url -> url.startsWith("https:"));
  }

  @Override
  public String toString() {
    return "SolrSettings[" + where() + ", collection " + collection + ", " + shards + " shards x " + replicas
        + " replicas" + (user == null ? "" : ", user " + user) + (tls() ? ", TLS" : "") + "]";
  }
}
