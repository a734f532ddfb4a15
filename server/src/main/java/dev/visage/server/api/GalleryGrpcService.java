package dev.visage.server.api;

import dev.visage.api.v1.DeleteFaceRequest;
import dev.visage.api.v1.BackupGalleryRequest;
import dev.visage.api.v1.BackupGalleryResponse;
import dev.visage.api.v1.DeleteFaceResponse;
import dev.visage.api.v1.ExportGalleryRequest;
import dev.visage.api.v1.GalleryItem;
import dev.visage.api.v1.ImportGalleryResponse;
import dev.visage.api.v1.PurgeDeletedRequest;
import dev.visage.api.v1.PurgeDeletedResponse;
import dev.visage.api.v1.DeletePersonRequest;
import dev.visage.api.v1.DeletePersonResponse;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.EnrollResponse;
import dev.visage.api.v1.EnrolledFace;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.GetPersonRequest;
import dev.visage.api.v1.GetPersonResponse;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.ImageEnrollment;
import dev.visage.api.v1.ListPersonsRequest;
import dev.visage.api.v1.ListPersonsResponse;
import dev.visage.api.v1.Rejection;
import dev.visage.api.v1.RejectionReason;
import dev.visage.api.v1.RenamePersonRequest;
import dev.visage.api.v1.RenamePersonResponse;
import dev.visage.server.gallery.FaceDeletion;
import dev.visage.server.gallery.Gallery;
import dev.visage.server.gallery.PersonPage;
import dev.visage.server.recognition.Enroller;
import dev.visage.server.recognition.InvalidRequestException;
import dev.visage.server.vision.ImageInput;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/** The GalleryService of the public API: enrollment and the persons and faces it creates. */
public final class GalleryGrpcService extends GalleryServiceGrpc.GalleryServiceImplBase {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GalleryGrpcService.class);

  static final int MAX_IMAGES_PER_ENROLL = 32;
  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 1000;

  private final Enroller enroller;
  private final Gallery gallery;
  private final GalleryTransfer transfer;

  /**
   * @param modelId the embedder's versioned id, written into exports and required of imports
   * @param dimension its vectors' length
   */
  public GalleryGrpcService(Enroller enroller, Gallery gallery, String modelId, int dimension) {
    this.enroller = enroller;
    this.gallery = gallery;
    this.transfer = new GalleryTransfer(gallery, modelId, dimension);
  }

  @Override
  public void enroll(EnrollRequest request, StreamObserver<EnrollResponse> observer) {
    Unary.respond("Enroll", observer, () -> {
      Enroller.Target target = switch (request.getPersonCase()) {
        case PERSON_ID -> new Enroller.Target.ExistingPerson(RequestValidation.id("person_id", request.getPersonId()));
        case DISPLAY_NAME -> new Enroller.Target.NewPerson(
            RequestValidation.displayName("display_name", request.getDisplayName()));
        case PERSON_NOT_SET -> throw ApiErrors.invalid(
            "say who is enrolled: set display_name to create a new person, or person_id to add faces to one");
      };
      int count = request.getImagesCount();
      if (count == 0 || count > MAX_IMAGES_PER_ENROLL) {
        throw ApiErrors.invalid("images holds " + count + " images; send 1 to " + MAX_IMAGES_PER_ENROLL
            + " per call (more calls with person_id add more faces)");
      }
      List<ImageInput> inputs = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        Image image = request.getImages(i);
        inputs.add(ProtoMapping.imageInput("images[" + i + "]", image));
      }
      Enroller.Selection selection = switch (request.getFaceSelection()) {
        case FACE_SELECTION_UNSPECIFIED, FACE_SELECTION_LARGEST -> Enroller.Selection.LARGEST;
        case FACE_SELECTION_REQUIRE_SINGLE -> Enroller.Selection.REQUIRE_SINGLE;
        case UNRECOGNIZED -> throw ApiErrors.invalid(
            "face_selection " + request.getFaceSelectionValue() + " is not one of the FaceSelection values");
      };

      Enroller.Outcome outcome = enroller.enroll(target, inputs, selection);
      EnrollResponse.Builder response = EnrollResponse.newBuilder().setEnrolledCount(outcome.enrolled());
      outcome.person().ifPresent(person -> response.setPerson(ProtoMapping.person(person)));
      for (Enroller.PhotoOutcome photo : outcome.photos()) {
        response.addResults(photoResult(photo));
      }
      return response.build();
    });
  }

  private static ImageEnrollment photoResult(Enroller.PhotoOutcome photo) {
    if (photo.accepted()) {
      return ImageEnrollment.newBuilder()
          .setEnrolled(EnrolledFace.newBuilder().setFaceId(photo.faceId()).setFace(ProtoMapping.detectedFace(photo.face())))
          .build();
    }
    Rejection.Builder rejection = Rejection.newBuilder()
        .setReason(switch (photo.rejection().reason()) {
          case NO_FACE -> RejectionReason.REJECTION_REASON_NO_FACE;
          case MULTIPLE_FACES -> RejectionReason.REJECTION_REASON_MULTIPLE_FACES;
          case FACE_TOO_SMALL -> RejectionReason.REJECTION_REASON_FACE_TOO_SMALL;
          case LOW_DETECTION_SCORE -> RejectionReason.REJECTION_REASON_LOW_DETECTION_SCORE;
          case INVALID_IMAGE -> RejectionReason.REJECTION_REASON_INVALID_IMAGE;
          case IMAGE_TOO_LARGE -> RejectionReason.REJECTION_REASON_IMAGE_TOO_LARGE;
        })
        .setMessage(photo.rejection().message());
    if (photo.rejection().face() != null) {
      rejection.setFace(ProtoMapping.detectedFace(photo.rejection().face()));
    }
    return ImageEnrollment.newBuilder().setRejection(rejection).build();
  }

  @Override
  public void listPersons(ListPersonsRequest request, StreamObserver<ListPersonsResponse> observer) {
    Unary.respond("ListPersons", observer, () -> {
      int pageSize = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : request.getPageSize();
      if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
        throw ApiErrors.invalid("page_size is " + Integer.toUnsignedString(pageSize) + "; it lies between 1 and "
            + MAX_PAGE_SIZE + " (0 means " + DEFAULT_PAGE_SIZE + ")");
      }
      if (request.getNameContains().length() > RequestValidation.MAX_NAME_LENGTH) {
        throw ApiErrors.invalid("name_contains is longer than any name (" + RequestValidation.MAX_NAME_LENGTH + " characters)");
      }
      PersonPage page;
      try {
        page = gallery.listPersons(request.getNameContains(), pageSize, request.getPageToken());
      } catch (IllegalArgumentException badToken) {
        throw new InvalidRequestException(badToken.getMessage());
      }
      ListPersonsResponse.Builder response = ListPersonsResponse.newBuilder()
          .setNextPageToken(page.nextPageToken())
          .setTotalSize(page.totalSize());
      page.persons().forEach(person -> response.addPersons(ProtoMapping.person(person)));
      return response.build();
    });
  }

  @Override
  public void getPerson(GetPersonRequest request, StreamObserver<GetPersonResponse> observer) {
    Unary.respond("GetPerson", observer, () -> GetPersonResponse.newBuilder()
        .setPerson(ProtoMapping.person(gallery.getPerson(RequestValidation.id("person_id", request.getPersonId()))))
        .build());
  }

  @Override
  public void renamePerson(RenamePersonRequest request, StreamObserver<RenamePersonResponse> observer) {
    Unary.respond("RenamePerson", observer, () -> {
      String personId = RequestValidation.id("person_id", request.getPersonId());
      String name = RequestValidation.displayName("display_name", request.getDisplayName());
      return RenamePersonResponse.newBuilder()
          .setPerson(ProtoMapping.person(gallery.renamePerson(personId, name)))
          .build();
    });
  }

  @Override
  public void deletePerson(DeletePersonRequest request, StreamObserver<DeletePersonResponse> observer) {
    Unary.respond("DeletePerson", observer, () -> DeletePersonResponse.newBuilder()
        .setDeletedFaceCount(gallery.deletePerson(RequestValidation.id("person_id", request.getPersonId())))
        .build());
  }

  @Override
  public void deleteFace(DeleteFaceRequest request, StreamObserver<DeleteFaceResponse> observer) {
    Unary.respond("DeleteFace", observer, () -> {
      FaceDeletion deletion = gallery.deleteFace(RequestValidation.id("face_id", request.getFaceId()));
      return DeleteFaceResponse.newBuilder()
          .setPersonId(deletion.personId())
          .setRemainingFaceCount(deletion.remainingFaces())
          .build();
    });
  }

  @Override
  public void purgeDeleted(PurgeDeletedRequest request, StreamObserver<PurgeDeletedResponse> observer) {
    Unary.respond("PurgeDeleted", observer, () -> {
      int purged = gallery.purgeDeleted();
      log.info("Purged {} deleted record(s) from the gallery's files", purged);
      return PurgeDeletedResponse.newBuilder().setPurgedCount(purged).build();
    });
  }

  @Override
  public void exportGallery(ExportGalleryRequest request, StreamObserver<GalleryItem> observer) {
    transfer.export(observer);
  }

  @Override
  public StreamObserver<GalleryItem> importGallery(StreamObserver<ImportGalleryResponse> observer) {
    return transfer.importing(observer);
  }

  @Override
  public void backupGallery(BackupGalleryRequest request, StreamObserver<BackupGalleryResponse> observer) {
    Unary.respond("BackupGallery", observer, () -> transfer.backup(request));
  }
}
