package dev.visage.server.cli;

import dev.visage.server.config.ServerOptions;
import dev.visage.server.config.ServerSettings;
import dev.visage.server.gallery.solr.SolrCollectionSetup;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage gallery solr-create}: creates the SolrCloud collection (and its config set) ahead
 * of the servers, for sites where servers run with {@code --solr-create-collection=false}.
 */
@Command(name = "solr-create", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
    description = "Create the SolrCloud collection named by --gallery SOLRCLOUD, --solr-zk-hosts or --solr-urls and "
        + "--solr-collection, with --solr-shards x --solr-replicas, unless it exists. The first server to connect "
        + "stamps it with its embedding model.")
final class SolrCreateCommand implements Callable<Integer> {

  @Option(names = "--dimension", defaultValue = "128",
      description = "Values per face vector: the embedding model's output (128 for MobileFaceNet). Default: ${DEFAULT-VALUE}.")
  int dimension;

  @Mixin
  private ServerOptions options;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ServerSettings.Storage storage = options.toSettings().storage();
      if (storage.solr() == null) {
        err.println("Name the collection: --gallery SOLRCLOUD with --solr-zk-hosts or --solr-urls (and --solr-collection).");
        return 2;
      }
      String result = SolrCollectionSetup.create(storage.solr(), dimension, storage.vectors());
      out.printf("Collection '%s' at %s %s%n", storage.solr().collection(), storage.solr().where(), result);
      out.flush();
      return 0;
    } catch (Exception e) {
      err.println("Cannot create the collection: " + e.getMessage());
      return 2;
    }
  }
}
