package dev.visage.server.cli;

import dev.visage.api.v1.BackupGalleryRequest;
import dev.visage.api.v1.BackupGalleryResponse;
import dev.visage.api.v1.ExportGalleryRequest;
import dev.visage.api.v1.GalleryItem;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.ImportGalleryResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code visage gallery export | import | backup} against a running server (admin key).
 *
 * <p>An export file is gzip-compressed protobuf: length-delimited {@code visage.v1.GalleryItem}
 * messages, the header first (model id, vector length, counts), then one per person with their
 * faces and vectors. Any language with the public .proto files can read it.
 */
@Command(name = "gallery", mixinStandardHelpOptions = true,
    description = "Export the gallery to a file, import one, or back up the live index (needs an admin key); "
        + "migrate an embedded gallery into SolrCloud.",
    subcommands = {GalleryCommand.Export.class, GalleryCommand.Import.class, GalleryCommand.Backup.class,
        MigrateCommand.class, SolrCreateCommand.class})
final class GalleryCommand {

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write every person with their faces and vectors, and the model they come from, to a file.")
  static final class Export extends ClientCommand {
    @Option(names = "--out", required = true, description = "The file to write (replaced only when the export is complete).")
    Path out;

    @Override
    int run(ManagedChannel channel) throws Exception {
      Path partial = out.resolveSibling(out.getFileName() + ".partial");
      long persons = 0;
      long faces = 0;
      String model = "";
      try (OutputStream file = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(partial)))) {
        Iterator<GalleryItem> items = GalleryServiceGrpc.newBlockingStub(channel).withCallCredentials(client.credentials())
            .exportGallery(ExportGalleryRequest.getDefaultInstance());
        while (items.hasNext()) {
          GalleryItem item = items.next();
          item.writeDelimitedTo(file);
          if (item.hasHeader()) {
            model = item.getHeader().getModelId();
          } else {
            persons++;
            faces += item.getPerson().getFacesCount();
          }
        }
      } catch (StatusRuntimeException e) {
        Files.deleteIfExists(partial);
        throw e;
      }
      Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      out().printf("Exported %d persons, %d faces (model %s) to %s%n", persons, faces, model, out);
      out().flush();
      return 0;
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Add the persons of an export file to the server; refused when the file's vectors come from another model.")
  static final class Import extends ClientCommand {
    @Parameters(paramLabel = "FILE", description = "A file written by 'visage gallery export'.")
    Path file;

    @Override
    int run(ManagedChannel channel) throws Exception {
      CompletableFuture<ImportGalleryResponse> done = new CompletableFuture<>();
      StreamObserver<GalleryItem> upload = GalleryServiceGrpc.newStub(channel).withCallCredentials(client.credentials())
          .importGallery(new StreamObserver<>() {
            @Override
            public void onNext(ImportGalleryResponse value) {
              done.complete(value);
            }

            @Override
            public void onError(Throwable t) {
              done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
          });
      try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
        for (GalleryItem item; !done.isDone() && (item = GalleryItem.parseDelimitedFrom(in)) != null; ) {
          upload.onNext(item);
        }
      } catch (java.io.IOException e) {
        upload.onError(io.grpc.Status.CANCELLED.withDescription("the file could not be read").asRuntimeException());
        throw new java.io.IOException(file + " is not a readable export (" + e.getMessage() + ")", e);
      }
      upload.onCompleted();
      ImportGalleryResponse response;
      try {
        response = done.get(1, TimeUnit.HOURS);
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof StatusRuntimeException status) {
          throw status;
        }
        throw e;
      }
      out().printf("Imported %d persons, %d faces from %s%n", response.getPersonCount(), response.getFaceCount(), file);
      out().flush();
      return 0;
    }
  }

  @Command(name = "backup", mixinStandardHelpOptions = true,
      description = "Copy the live index to a folder on the server's machine, without stopping it; the copy opens as a gallery.")
  static final class Backup extends ClientCommand {
    @Parameters(paramLabel = "DIRECTORY", description = "An absolute path on the server's machine: a new or empty folder.")
    String directory;

    @Override
    int run(ManagedChannel channel) {
      BackupGalleryResponse response = GalleryServiceGrpc.newBlockingStub(channel).withCallCredentials(client.credentials())
          .withDeadlineAfter(1, TimeUnit.HOURS).backupGallery(BackupGalleryRequest.newBuilder().setDirectory(directory).build());
      out().printf("Backed up %d persons, %d faces (%d files, %.1f MiB) to %s on the server%n", response.getPersonCount(),
          response.getFaceCount(), response.getFileCount(), response.getBytes() / 1048576.0, response.getDirectory());
      out().flush();
      return 0;
    }
  }
}
