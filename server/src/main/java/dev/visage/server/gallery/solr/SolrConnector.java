package dev.visage.server.gallery.solr;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.solr.client.solrj.embedded.SSLConfig;
import org.apache.solr.client.solrj.impl.CloudHttp2SolrClient;
import org.apache.solr.client.solrj.impl.Http2SolrClient;

/** Builds the SolrJ client for {@link SolrSettings}: ZooKeeper or node URLs, basic auth, TLS. */
final class SolrConnector {

  private SolrConnector() {}

  static CloudHttp2SolrClient connect(SolrSettings settings) {
    Http2SolrClient.Builder http = new Http2SolrClient.Builder()
        .withConnectionTimeout(10, TimeUnit.SECONDS)
        .withRequestTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    if (settings.user() != null) {
      http.withBasicAuthCredentials(settings.user(), settings.password());
    }
    if (settings.tls()) {
      http.withSSLConfig(new SSLConfig(true, settings.keyStore() != null,
          settings.keyStore() == null ? null : settings.keyStore().toString(), settings.keyStorePassword(),
          settings.trustStore() == null ? null : settings.trustStore().toString(), settings.trustStorePassword()));
    }
    CloudHttp2SolrClient.Builder cloud = settings.zkHosts().isEmpty()
        ? new CloudHttp2SolrClient.Builder(settings.solrUrls())
        : new CloudHttp2SolrClient.Builder(settings.zkHosts(), Optional.ofNullable(settings.zkChroot()))
            .withZkConnectTimeout(15, TimeUnit.SECONDS);
    return cloud.withInternalClientBuilder(http)
        .withDefaultCollection(settings.collection())
        .build();
  }
}
