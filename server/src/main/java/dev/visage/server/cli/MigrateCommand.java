package dev.visage.server.cli;

import dev.visage.server.config.ServerOptions;
import dev.visage.server.config.ServerSettings;
import dev.visage.server.gallery.GalleryStats;
import dev.visage.server.gallery.GalleryStorageException;
import dev.visage.server.gallery.ImportedPerson;
import dev.visage.server.gallery.LuceneGallery;
import dev.visage.server.gallery.solr.SolrGallery;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code visage gallery migrate}: copies the embedded gallery of a stopped server into a SolrCloud
 * collection, persons with their ids, names, times and vectors, and checks that the collection
 * then holds every person and face it was given.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
    description = {"Copy the embedded gallery in --data-dir (server stopped) into the SolrCloud collection named by "
        + "--gallery SOLRCLOUD and --solr-zk-hosts or --solr-urls, then check the counts.",
        "Persons already in the collection under the same id are replaced; running it again is safe."})
final class MigrateCommand implements Callable<Integer> {

  private static final int BATCH = 200;

  @Mixin
  private ServerOptions options;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ServerSettings.Storage storage;
    try {
      storage = options.toSettings().storage();
    } catch (IllegalArgumentException e) {
      err.println("Cannot migrate: " + e.getMessage());
      return 2;
    }
    if (storage.solr() == null) {
      err.println("Name the target: --gallery SOLRCLOUD with --solr-zk-hosts or --solr-urls (and --solr-collection).");
      return 2;
    }
    try {
      LuceneGallery.ModelStamp stamp = LuceneGallery.stampOf(storage.galleryDir());
      try (LuceneGallery source = LuceneGallery.open(storage.galleryDir(), stamp.modelId(), stamp.dimension(),
               storage.vectors());
           SolrGallery target = SolrGallery.connect(storage.solr(), stamp.modelId(), stamp.dimension(),
               storage.vectors())) {
        GalleryStats expected = source.stats();
        out.printf("Migrating %d persons, %d faces (model %s) from %s to %s%n", expected.persons(), expected.faces(),
            stamp.modelId(), storage.galleryDir(), target.description());
        out.flush();
        Copy copy = new Copy(target, out, expected.persons());
        source.exportPersons(copy::add);
        copy.flush();
        boolean complete = copy.copiedPersons == expected.persons() && copy.checkedPersons == copy.copiedPersons
            && copy.copiedFaces == expected.faces() && copy.checkedFaces == copy.copiedFaces;
        GalleryStats total = target.stats();
        out.printf("%s: copied %d persons, %d faces; the collection holds %d of those persons and %d of their faces "
                + "(%d persons, %d faces in all)%n", complete ? "Done" : "INCOMPLETE", copy.copiedPersons,
            copy.copiedFaces, copy.checkedPersons, copy.checkedFaces, total.persons(), total.faces());
        out.flush();
        return complete ? 0 : 1;
      }
    } catch (GalleryStorageException | dev.visage.server.gallery.GalleryModelMismatchException e) {
      err.println("Cannot migrate: " + e.getMessage());
      return 2;
    }
  }

  /** Sends persons in batches and counts what the collection then holds of each batch. */
  private static final class Copy {
    private final SolrGallery target;
    private final PrintWriter out;
    private final long total;
    private final List<ImportedPerson> batch = new ArrayList<>(BATCH);
    long copiedPersons;
    long copiedFaces;
    long checkedPersons;
    long checkedFaces;

    Copy(SolrGallery target, PrintWriter out, long total) {
      this.target = target;
      this.out = out;
      this.total = total;
    }

    void add(ImportedPerson person) {
      batch.add(person);
      if (batch.size() == BATCH) {
        flush();
      }
    }

    void flush() {
      if (batch.isEmpty()) {
        return;
      }
      target.importPersons(batch);
      GalleryStats held = target.statsOf(batch.stream().map(ImportedPerson::personId).toList());
      copiedPersons += batch.size();
      copiedFaces += batch.stream().mapToLong(p -> p.faces().size()).sum();
      checkedPersons += held.persons();
      checkedFaces += held.faces();
      batch.clear();
      out.printf("  %d / %d persons%n", copiedPersons, total);
      out.flush();
    }
  }
}
