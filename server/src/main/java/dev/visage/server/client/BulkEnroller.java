package dev.visage.server.client;

import com.google.protobuf.ByteString;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.EnrollResponse;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.GetPersonRequest;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.ImageEnrollment;
import dev.visage.api.v1.ListPersonsRequest;
import dev.visage.api.v1.ListPersonsResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Enrolls a folder with one sub-folder of photos per person (the layout of common face datasets)
 * into a running server, several persons at once. Each folder's name is the person's display
 * name. What an earlier run enrolled (its report) is not sent again, and a person already on the
 * server under the folder's name is left alone, so a run can be repeated after an interruption.
 */
public final class BulkEnroller {

  /** Photos per request: the API's limit. */
  private static final int MAX_IMAGES = 32;
  /** Bytes of photos per request, well under the server's default message limit (16 MiB). */
  private static final long MAX_REQUEST_BYTES = 12L << 20;
  private static final Set<String> PHOTO_TYPES = Set.of("jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff");

  /** Hears about every photo as it is done, from several threads. */
  public interface Progress {
    void photoDone(String folder, EnrollReport.Photo photo);
  }

  private final GalleryServiceGrpc.GalleryServiceBlockingStub gallery;
  private final int concurrency;

  public BulkEnroller(GalleryServiceGrpc.GalleryServiceBlockingStub gallery, int concurrency) {
    this.gallery = gallery;
    this.concurrency = concurrency;
  }

  /** The person folders under {@code root}: not hidden, not starting with '_', by name. */
  public static List<Path> personFolders(Path root) throws IOException {
    try (Stream<Path> entries = Files.list(root)) {
      return entries.filter(Files::isDirectory)
          .filter(dir -> !dir.getFileName().toString().startsWith("_") && !dir.getFileName().toString().startsWith("."))
          .sorted().toList();
    }
  }

  /** The photos of a person folder, by name. */
  public static List<Path> photos(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.filter(Files::isRegularFile).filter(BulkEnroller::isPhoto).sorted().toList();
    }
  }

  private static boolean isPhoto(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && PHOTO_TYPES.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /**
   * @param previous the report of an earlier run over the same folder, or null
   */
  public EnrollReport run(Path root, String server, EnrollReport previous, Progress progress)
      throws IOException, InterruptedException {
    Map<String, EnrollReport.Person> before = new HashMap<>();
    if (previous != null) {
      previous.persons().forEach(person -> before.put(person.folder(), person));
    }
    List<Path> folders = personFolders(root);
    ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, concurrency));
    try {
      List<Future<EnrollReport.Person>> results = new ArrayList<>();
      for (Path folder : folders) {
        results.add(workers.submit(() -> enrollPerson(folder, before.get(folder.getFileName().toString()), progress)));
      }
      List<EnrollReport.Person> persons = new ArrayList<>();
      for (Future<EnrollReport.Person> result : results) {
        try {
          persons.add(result.get());
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
      }
      return new EnrollReport(server, root.toAbsolutePath().toString(), persons);
    } finally {
      workers.shutdownNow();
      workers.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private EnrollReport.Person enrollPerson(Path folder, EnrollReport.Person earlier, Progress progress) throws IOException {
    String name = folder.getFileName().toString();
    List<EnrollReport.Photo> done = new ArrayList<>();
    String personId = null;
    if (earlier != null && earlier.personId() != null && exists(earlier.personId())) {
      personId = earlier.personId();
      done.addAll(earlier.photos());
    } else if (earlier == null && existsByName(name)) {
      return new EnrollReport.Person(name, null, EnrollReport.ALREADY_ON_SERVER, null, List.of());
    }
    Set<String> seen = new java.util.HashSet<>();
    done.forEach(photo -> seen.add(photo.file()));
    List<Path> todo = photos(folder).stream().filter(photo -> !seen.contains(photo.getFileName().toString())).toList();
    try {
      for (List<Path> chunk : chunks(todo)) {
        EnrollRequest.Builder request = EnrollRequest.newBuilder();
        if (personId != null) {
          request.setPersonId(personId);
        } else {
          request.setDisplayName(name);
        }
        for (Path photo : chunk) {
          request.addImages(Image.newBuilder().setEncoded(ByteString.copyFrom(Files.readAllBytes(photo))));
        }
        EnrollResponse response = gallery.withDeadlineAfter(5, TimeUnit.MINUTES).enroll(request.build());
        if (response.hasPerson()) {
          personId = response.getPerson().getPersonId();
        }
        for (int i = 0; i < chunk.size(); i++) {
          EnrollReport.Photo photo = photo(chunk.get(i), response.getResults(i));
          done.add(photo);
          progress.photoDone(name, photo);
        }
      }
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNAVAILABLE || e.getStatus().getCode() == Status.Code.UNAUTHENTICATED
          || e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
        throw e; // nothing else will work either
      }
      return new EnrollReport.Person(name, personId, EnrollReport.FAILED, e.getStatus().getCode() + ": "
          + e.getStatus().getDescription(), done);
    }
    boolean anyEnrolled = done.stream().anyMatch(photo -> photo.status().equals(EnrollReport.Photo.ENROLLED));
    return new EnrollReport.Person(name, personId, anyEnrolled ? EnrollReport.ENROLLED : EnrollReport.NO_USABLE_FACE,
        null, done);
  }

  private static EnrollReport.Photo photo(Path file, ImageEnrollment result) {
    String name = file.getFileName().toString();
    if (result.hasEnrolled()) {
      return new EnrollReport.Photo(name, EnrollReport.Photo.ENROLLED, result.getEnrolled().getFaceId(), null, null);
    }
    return new EnrollReport.Photo(name, EnrollReport.Photo.REJECTED, null,
        result.getRejection().getReason().name().replace("REJECTION_REASON_", ""), result.getRejection().getMessage());
  }

  /** Requests of at most 32 photos and 12 MiB (a larger photo goes alone, for the server to judge). */
  private static List<List<Path>> chunks(List<Path> photos) throws IOException {
    List<List<Path>> chunks = new ArrayList<>();
    List<Path> current = new ArrayList<>();
    long bytes = 0;
    for (Path photo : photos) {
      long size = Files.size(photo);
      if (!current.isEmpty() && (current.size() == MAX_IMAGES || bytes + size > MAX_REQUEST_BYTES)) {
        chunks.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(photo);
      bytes += size;
    }
    if (!current.isEmpty()) {
      chunks.add(current);
    }
    return chunks;
  }

  private boolean exists(String personId) {
    try {
      gallery.withDeadlineAfter(30, TimeUnit.SECONDS).getPerson(GetPersonRequest.newBuilder().setPersonId(personId).build());
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  private boolean existsByName(String name) {
    String token = "";
    do {
      ListPersonsResponse page = gallery.withDeadlineAfter(30, TimeUnit.SECONDS).listPersons(
          ListPersonsRequest.newBuilder().setNameContains(name).setPageSize(1000).setPageToken(token).build());
      if (page.getPersonsList().stream().anyMatch(person -> person.getDisplayName().equals(name))) {
        return true;
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return false;
  }
}
