package dev.visage.server.api;

import com.google.protobuf.Timestamp;
import dev.visage.api.v1.BackupGalleryRequest;
import dev.visage.api.v1.BackupGalleryResponse;
import dev.visage.api.v1.DetectedFace;
import dev.visage.api.v1.ExportedFace;
import dev.visage.api.v1.ExportedPerson;
import dev.visage.api.v1.GalleryHeader;
import dev.visage.api.v1.GalleryItem;
import dev.visage.api.v1.ImportGalleryResponse;
import dev.visage.api.v1.Point;
import dev.visage.server.gallery.BackupResult;
import dev.visage.server.gallery.FaceOrigin;
import dev.visage.server.gallery.Gallery;
import dev.visage.server.gallery.GalleryStats;
import dev.visage.server.gallery.ImportedPerson;
import dev.visage.server.vision.Landmarks;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves whole galleries: export (streamed person by person, at the pace the client reads), import
 * (checked against this server's model, written in batches) and backup (a consistent copy of the
 * index on the server's machine).
 */
final class GalleryTransfer {

  private static final Logger log = LoggerFactory.getLogger(GalleryTransfer.class);
  /** Faces written per import step: large enough to be quick, small enough to keep memory flat. */
  private static final int IMPORT_BATCH_FACES = 2000;

  private final Gallery gallery;
  private final String modelId;
  private final int dimension;

  GalleryTransfer(Gallery gallery, String modelId, int dimension) {
    this.gallery = gallery;
    this.modelId = modelId;
    this.dimension = dimension;
  }

  void export(StreamObserver<GalleryItem> observer) {
    ServerCallStreamObserver<GalleryItem> out = (ServerCallStreamObserver<GalleryItem>) observer;
    Semaphore ready = new Semaphore(0);
    out.setOnReadyHandler(ready::release);
    try {
      GalleryStats stats = gallery.stats();
      send(out, ready, GalleryItem.newBuilder().setHeader(GalleryHeader.newBuilder().setModelId(modelId)
          .setDimension(dimension).setPersonCount(stats.persons()).setFaceCount(stats.faces())).build());
      gallery.exportPersons(person -> send(out, ready, GalleryItem.newBuilder().setPerson(exported(person)).build()));
      out.onCompleted();
      log.info("Exported the gallery: {} persons, {} faces", stats.persons(), stats.faces());
    } catch (CancellationException cancelled) {
      log.info("An export was cancelled by its client");
    } catch (RuntimeException e) {
      out.onError(ApiErrors.toStatus("ExportGallery", e).asRuntimeException());
    }
  }

  /** Sends when the client can take more, so a slow reader never makes the server buffer the gallery. */
  private static void send(ServerCallStreamObserver<GalleryItem> out, Semaphore ready, GalleryItem item) {
    try {
      while (!out.isReady()) {
        if (out.isCancelled()) {
          throw new CancellationException();
        }
        ready.tryAcquire(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException();
    }
    out.onNext(item);
  }

  StreamObserver<GalleryItem> importing(StreamObserver<ImportGalleryResponse> response) {
    return new StreamObserver<>() {
      private boolean headerSeen;
      private boolean failed;
      private final List<ImportedPerson> batch = new ArrayList<>();
      private int batchFaces;
      private long persons;
      private long faces;

      @Override
      public void onNext(GalleryItem item) {
        if (failed) {
          return;
        }
        try {
          if (item.hasHeader()) {
            checkHeader(item.getHeader());
            headerSeen = true;
          } else if (!headerSeen) {
            throw ApiErrors.invalid("an import starts with its header (the model and counts), then persons");
          } else {
            ImportedPerson person = imported(item.getPerson());
            batch.add(person);
            batchFaces += person.faces().size();
            if (batchFaces >= IMPORT_BATCH_FACES) {
              flush();
            }
          }
        } catch (RuntimeException e) {
          failed = true;
          response.onError(ApiErrors.toStatus("ImportGallery", e).asRuntimeException());
        }
      }

      private void flush() {
        if (!batch.isEmpty()) {
          gallery.importPersons(List.copyOf(batch));
          persons += batch.size();
          faces += batchFaces;
          batch.clear();
          batchFaces = 0;
        }
      }

      @Override
      public void onError(Throwable t) {
        failed = true;
        log.info("An import ended early ({}); {} persons were imported before", Status.fromThrowable(t).getCode(), persons);
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        try {
          if (!headerSeen) {
            throw ApiErrors.invalid("the import was empty: send the export's header, then its persons");
          }
          flush();
          log.info("Imported {} persons, {} faces", persons, faces);
          response.onNext(ImportGalleryResponse.newBuilder().setPersonCount(persons).setFaceCount(faces).build());
          response.onCompleted();
        } catch (RuntimeException e) {
          response.onError(ApiErrors.toStatus("ImportGallery", e).asRuntimeException());
        }
      }
    };
  }

  private void checkHeader(GalleryHeader header) {
    if (!header.getModelId().equals(modelId) || header.getDimension() != dimension) {
      throw new StatusRuntimeException(Status.FAILED_PRECONDITION.withDescription("the export holds vectors of model '"
          + header.getModelId() + "' (" + header.getDimension() + " numbers); this server runs '" + modelId + "' ("
          + dimension + "): vectors of different models cannot be compared. Enroll the people again from their photos."));
    }
  }

  private ImportedPerson imported(ExportedPerson person) {
    String personId = RequestValidation.id("person.person_id", person.getPersonId());
    String name = RequestValidation.displayName("person.display_name", person.getDisplayName());
    List<ImportedPerson.ImportedFace> faces = new ArrayList<>(person.getFacesCount());
    for (ExportedFace face : person.getFacesList()) {
      String faceId = RequestValidation.id("face_id", face.getFaceId());
      if (face.getVectorCount() != dimension) {
        throw ApiErrors.invalid("face " + faceId + " has " + face.getVectorCount() + " numbers; this model's vectors have "
            + dimension);
      }
      float[] vector = new float[dimension];
      for (int i = 0; i < dimension; i++) {
        vector[i] = face.getVector(i);
        if (!Float.isFinite(vector[i])) {
          throw ApiErrors.invalid("face " + faceId + " has a vector with a number that is not finite");
        }
      }
      faces.add(new ImportedPerson.ImportedFace(faceId, vector, origin(face.getOrigin()), instant(face.getCreateTime())));
    }
    return new ImportedPerson(personId, name, instant(person.getCreateTime()), faces);
  }

  BackupGalleryResponse backup(BackupGalleryRequest request) {
    if (request.getDirectory().isBlank() || !Path.of(request.getDirectory()).isAbsolute()) {
      throw ApiErrors.invalid("directory must be an absolute path on the server's machine, of a new or empty folder");
    }
    BackupResult result;
    try {
      result = gallery.backup(Path.of(request.getDirectory()));
    } catch (IllegalArgumentException e) {
      throw ApiErrors.invalid(e.getMessage());
    } catch (UnsupportedOperationException e) {
      throw io.grpc.Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
    }
    log.info("Backed up the gallery to {}: {} files, {} bytes", result.directory(), result.files(), result.bytes());
    return BackupGalleryResponse.newBuilder().setDirectory(result.directory().toString()).setFileCount(result.files())
        .setBytes(result.bytes()).setPersonCount(result.persons()).setFaceCount(result.faces()).build();
  }

  private static ExportedPerson exported(ImportedPerson person) {
    ExportedPerson.Builder builder = ExportedPerson.newBuilder().setPersonId(person.personId())
        .setDisplayName(person.displayName()).setCreateTime(ProtoMapping.timestamp(person.createTime()));
    for (ImportedPerson.ImportedFace face : person.faces()) {
      ExportedFace.Builder exported = ExportedFace.newBuilder().setFaceId(face.faceId())
          .setOrigin(ProtoMapping.detectedFace(face.origin())).setCreateTime(ProtoMapping.timestamp(face.createTime()));
      for (float value : face.vector()) {
        exported.addVector(value);
      }
      builder.addFaces(exported);
    }
    return builder.build();
  }

  private static FaceOrigin origin(DetectedFace face) {
    float[] points = new float[FaceOrigin.LANDMARK_VALUES];
    List<Point> landmarks = List.of(face.getLandmarks().getRightEye(), face.getLandmarks().getLeftEye(),
        face.getLandmarks().getNoseTip(), face.getLandmarks().getRightMouthCorner(), face.getLandmarks().getLeftMouthCorner());
    int[] order = {Landmarks.RIGHT_EYE, Landmarks.LEFT_EYE, Landmarks.NOSE_TIP, Landmarks.RIGHT_MOUTH_CORNER,
        Landmarks.LEFT_MOUTH_CORNER};
    for (int i = 0; i < order.length; i++) {
      points[2 * order[i]] = landmarks.get(i).getX();
      points[2 * order[i] + 1] = landmarks.get(i).getY();
    }
    return new FaceOrigin(face.getBox().getX(), face.getBox().getY(), face.getBox().getWidth(), face.getBox().getHeight(),
        points, face.getDetectionScore());
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
