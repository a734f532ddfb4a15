package dev.visage.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.visage.api.v1.DeleteFaceRequest;
import dev.visage.api.v1.DeleteFaceResponse;
import dev.visage.api.v1.DeletePersonRequest;
import dev.visage.api.v1.DetectRequest;
import dev.visage.api.v1.DetectResponse;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.EnrollResponse;
import dev.visage.api.v1.FaceSelection;
import dev.visage.api.v1.GetPersonRequest;
import dev.visage.api.v1.GetServerInfoRequest;
import dev.visage.api.v1.GetServerInfoResponse;
import dev.visage.api.v1.IdentifiedFace;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.IdentifyResponse;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.ImageEnrollment;
import dev.visage.api.v1.ListPersonsRequest;
import dev.visage.api.v1.ListPersonsResponse;
import dev.visage.api.v1.Person;
import dev.visage.api.v1.PixelFormat;
import dev.visage.api.v1.RawImage;
import dev.visage.api.v1.RejectionReason;
import dev.visage.api.v1.RenamePersonRequest;
import dev.visage.api.v1.VerifyRequest;
import dev.visage.api.v1.VerifyResponse;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.Pixels;
import dev.visage.server.testing.PngFiles;
import dev.visage.server.testing.SharedData;
import dev.visage.server.testing.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unary API end to end: a real server on a loopback port, real gRPC clients, real photos.
 * Changes go to {@code writer} and everything else to {@code reader}: here one server, and in
 * {@code SolrCloudEndToEndTest} two stateless servers sharing a SolrCloud collection.
 */
class GrpcEndToEndTest {

  @TempDir
  static Path data;

  /** Enrollments, renames and deletes go here. */
  static TestServer writer;
  /** Identification, verification, detection and gallery reads go here. */
  static TestServer reader;

  @BeforeAll
  static void start() throws Exception {
    writer = TestServer.start(data, "--max-message-bytes=4194304");
    reader = writer;
  }

  @AfterAll
  static void stop() throws Exception {
    writer.close();
  }

  private static EnrollResponse enroll(String name, String... photos) {
    EnrollRequest.Builder request = EnrollRequest.newBuilder().setDisplayName(name);
    for (String photo : photos) {
      request.addImages(Images.encoded(photo));
    }
    return writer.gallery().enroll(request.build());
  }

  private static IdentifyResponse identify(String photo) {
    return reader.recognition().identify(IdentifyRequest.newBuilder().setImage(Images.encoded(photo)).build());
  }

  private static void delete(Person person) {
    writer.gallery().deletePerson(DeletePersonRequest.newBuilder().setPersonId(person.getPersonId()).build());
  }

  private static StatusRuntimeException refused(Status.Code expected, org.junit.jupiter.api.function.Executable call) {
    StatusRuntimeException error = assertThrows(StatusRuntimeException.class, call);
    assertEquals(expected, error.getStatus().getCode(), error.getStatus().getDescription());
    assertFalse(error.getStatus().getDescription() == null || error.getStatus().getDescription().isBlank(),
        "every error says what is wrong");
    return error;
  }

  @Test
  void enrollThenIdentifyThenForget() {
    EnrollResponse enrolled = enroll("Barack Obama", "obama/obama.jpg", "obama/obama1.jpg");
    assertEquals(2, enrolled.getEnrolledCount());
    Person obama = enrolled.getPerson();
    assertEquals(2, obama.getFaceCount());
    assertTrue(enrolled.getResults(0).hasEnrolled());
    assertTrue(enrolled.getResults(0).getEnrolled().getFace().getBox().getWidth() > 100);

    IdentifyResponse known = identify("obama/obama2.jpg");
    assertEquals(1, known.getFacesCount());
    IdentifiedFace face = known.getFaces(0);
    assertTrue(face.hasMatch(), "another photo of an enrolled person is recognised");
    assertEquals(obama.getPersonId(), face.getMatch().getPersonId());
    assertEquals("Barack Obama", face.getMatch().getDisplayName());
    assertTrue(face.getMatch().getSimilarity() >= known.getThreshold());

    IdentifyResponse stranger = identify("tom_hanks/Tom_Hanks_54745.png");
    assertEquals(1, stranger.getFacesCount());
    assertFalse(stranger.getFaces(0).hasMatch(), "a stranger is unknown, not the nearest enrolled person");
    assertEquals(obama.getPersonId(), stranger.getFaces(0).getCandidates(0).getPersonId(),
        "the nearest candidate is still listed for the operator");
    assertTrue(stranger.getFaces(0).getCandidates(0).getSimilarity() < stranger.getThreshold());

    delete(obama);
    assertFalse(identify("obama/obama2.jpg").getFaces(0).hasMatch(), "a deleted person is never found again");
    refused(Status.Code.NOT_FOUND, () -> reader.gallery().getPerson(
        GetPersonRequest.newBuilder().setPersonId(obama.getPersonId()).build()));
  }

  @Test
  void groupPhotoNamesEveryEnrolledFace() {
    Person obama = enroll("Obama", "obama/obama.jpg").getPerson();
    Person biden = enroll("Biden", "biden/biden.jpg").getPerson();
    try {
      IdentifyResponse group = identify("_group/obama_and_biden.jpg");
      assertEquals(3, group.getFacesCount());
      List<String> named = group.getFacesList().stream()
          .filter(IdentifiedFace::hasMatch).map(f -> f.getMatch().getDisplayName()).sorted().toList();
      assertEquals(List.of("Biden", "Obama"), named, "both enrolled men named, the third face unknown");
      for (int i = 1; i < group.getFacesCount(); i++) {
        assertTrue(area(group.getFaces(i - 1)) >= area(group.getFaces(i)), "largest face first");
      }

      IdentifyResponse largestOnly = reader.recognition().identify(IdentifyRequest.newBuilder()
          .setImage(Images.encoded("_group/obama_and_biden.jpg")).setMaxFaces(1).setMaxCandidates(1).build());
      assertEquals(1, largestOnly.getFacesCount());
      assertEquals(2, largestOnly.getOmittedFaceCount());
      assertTrue(largestOnly.getFaces(0).getCandidatesCount() <= 1);
    } finally {
      delete(obama);
      delete(biden);
    }
  }

  private static float area(IdentifiedFace face) {
    return face.getFace().getBox().getWidth() * face.getFace().getBox().getHeight();
  }

  @Test
  void verifyAgainstAPersonAndAgainstAnotherPhoto() {
    Person sarah = enroll("Sarah Paulson", "sarah_paulson/Sarah_Paulson.jpg").getPerson();
    try {
      VerifyResponse same = reader.recognition().verify(VerifyRequest.newBuilder()
          .setImage(Images.encoded("sarah_paulson/sarah_1.jpg")).setPersonId(sarah.getPersonId()).build());
      assertTrue(same.getMatch());
      assertFalse(same.getReferenceFaceId().isEmpty());

      VerifyResponse other = reader.recognition().verify(VerifyRequest.newBuilder()
          .setImage(Images.encoded("nicole_kidman/nicole_1.jpg")).setPersonId(sarah.getPersonId()).build());
      assertFalse(other.getMatch(), "similarity " + other.getSimilarity());

      VerifyResponse strict = reader.recognition().verify(VerifyRequest.newBuilder()
          .setImage(Images.encoded("sarah_paulson/sarah_1.jpg")).setPersonId(sarah.getPersonId()).setThreshold(0.99f).build());
      assertFalse(strict.getMatch(), "a request may demand more than the default");
      assertEquals(0.99f, strict.getThreshold());
    } finally {
      delete(sarah);
    }

    VerifyResponse twoPhotos = reader.recognition().verify(VerifyRequest.newBuilder()
        .setImage(Images.encoded("brad_pitt/brad_1.jpg")).setReferenceImage(Images.encoded("brad_pitt/brad_2.jpg")).build());
    assertTrue(twoPhotos.getMatch());
    assertTrue(twoPhotos.hasReferenceFace());
    VerifyResponse twoPeople = reader.recognition().verify(VerifyRequest.newBuilder()
        .setImage(Images.encoded("brad_pitt/brad_1.jpg")).setReferenceImage(Images.encoded("kit_harington/john1.jpeg")).build());
    assertFalse(twoPeople.getMatch());
  }

  @Test
  void personsAndFacesCanBeListedRenamedAndDeleted() {
    EnrollResponse enrolled = enroll("nicole k", "nicole_kidman/Nicole_Kidman.jpg", "nicole_kidman/nicole_2.jpg");
    Person nicole = enrolled.getPerson();
    try {
      Person renamed = writer.gallery().renamePerson(RenamePersonRequest.newBuilder()
          .setPersonId(nicole.getPersonId()).setDisplayName("  Nicole Kidman ").build()).getPerson();
      assertEquals("Nicole Kidman", renamed.getDisplayName(), "names are trimmed");

      ListPersonsResponse listed = reader.gallery().listPersons(ListPersonsRequest.newBuilder().setNameContains("KIDMAN").build());
      assertEquals(1, listed.getTotalSize());
      assertEquals(2, listed.getPersons(0).getFaceCount());
      assertTrue(listed.getPersons(0).getFacesList().isEmpty(), "lists are summaries");

      Person full = reader.gallery().getPerson(GetPersonRequest.newBuilder().setPersonId(nicole.getPersonId()).build()).getPerson();
      assertEquals(2, full.getFacesCount());
      assertEquals(full.getFaces(0).getModelId(), reader.recognition().getServerInfo(GetServerInfoRequest.getDefaultInstance()).getEmbedderModelId());
      assertTrue(full.getFaces(0).getSourceFace().getDetectionScore() >= 0.9f);

      String faceId = enrolled.getResults(1).getEnrolled().getFaceId();
      DeleteFaceResponse deleted = writer.gallery().deleteFace(DeleteFaceRequest.newBuilder().setFaceId(faceId).build());
      assertEquals(nicole.getPersonId(), deleted.getPersonId());
      assertEquals(1, deleted.getRemainingFaceCount());
      refused(Status.Code.NOT_FOUND, () -> writer.gallery().deleteFace(DeleteFaceRequest.newBuilder().setFaceId(faceId).build()));
    } finally {
      delete(nicole);
    }
    refused(Status.Code.NOT_FOUND, () -> delete(nicole));
  }

  @Test
  void enrollmentExplainsEveryRejectedPhoto() throws Exception {
    byte[] tinyFace;
    try (Mat photo = opencv_imgcodecs.imread(SharedData.photo("obama/obama_small.jpg").toString()); Mat small = new Mat()) {
      opencv_imgproc.resize(photo, small, new Size(100, 75));
      tinyFace = Pixels.encode(".png", small);
    }
    byte[] jpeg = SharedData.bytes("obama/obama.jpg");
    EnrollResponse response = writer.gallery().enroll(EnrollRequest.newBuilder()
        .setDisplayName("Nobody")
        .setFaceSelection(FaceSelection.FACE_SELECTION_REQUIRE_SINGLE)
        .addImages(Images.encoded("_noface/coffee.png"))
        .addImages(Images.encoded("_group/two_people.jpg"))
        .addImages(Images.encoded(tinyFace))
        .addImages(Images.encoded(Arrays.copyOf(jpeg, jpeg.length / 2)))
        .addImages(Images.encoded(PngFiles.bomb(50_000, 50_000)))
        .addImages(Images.encoded("hello".getBytes()))
        .build());
    assertEquals(0, response.getEnrolledCount());
    assertFalse(response.hasPerson(), "no person is created when no photo is accepted");
    List<RejectionReason> reasons = response.getResultsList().stream()
        .map(ImageEnrollment::getRejection).map(r -> r.getReason()).toList();
    assertEquals(List.of(
        RejectionReason.REJECTION_REASON_NO_FACE,
        RejectionReason.REJECTION_REASON_MULTIPLE_FACES,
        RejectionReason.REJECTION_REASON_FACE_TOO_SMALL,
        RejectionReason.REJECTION_REASON_INVALID_IMAGE,
        RejectionReason.REJECTION_REASON_IMAGE_TOO_LARGE,
        RejectionReason.REJECTION_REASON_INVALID_IMAGE), reasons);
    response.getResultsList().forEach(result -> assertFalse(result.getRejection().getMessage().isBlank()));
    assertTrue(response.getResults(2).getRejection().getMessage().contains("px"), response.getResults(2).getRejection().getMessage());
    assertEquals(0, reader.gallery().listPersons(ListPersonsRequest.newBuilder().setNameContains("Nobody").build()).getTotalSize());

    // The same group photo is fine when the largest face is wanted; the others are ignored.
    EnrollResponse largest = writer.gallery().enroll(EnrollRequest.newBuilder()
        .setDisplayName("Largest").addImages(Images.encoded("_group/two_people.jpg")).build());
    assertEquals(1, largest.getEnrolledCount());
    delete(largest.getPerson());
  }

  @Test
  void rawFramesAreRecognisedLikeTheirFile() throws Exception {
    try (Mat photo = opencv_imgcodecs.imread(SharedData.photo("_group/selfie.jpg").toString())) {
      Image raw = Image.newBuilder().setRaw(RawImage.newBuilder()
          .setWidth(photo.cols()).setHeight(photo.rows()).setFormat(PixelFormat.PIXEL_FORMAT_BGR24)
          .setPixels(ByteString.copyFrom(Pixels.bytes(photo)))).build();
      DetectResponse fromRaw = reader.recognition().detect(DetectRequest.newBuilder().setImage(raw).build());
      DetectResponse fromFile = reader.recognition().detect(DetectRequest.newBuilder().setImage(Images.encoded("_group/selfie.jpg")).build());
      assertEquals(SharedData.referenceFaceCounts().get("_group/selfie.jpg"), fromRaw.getFacesCount());
      assertEquals(fromFile.getFacesList(), fromRaw.getFacesList());
      assertEquals(photo.cols(), fromRaw.getImage().getWidth());
    }
  }

  @Test
  void detectFindsEveryFaceOfGroupPhotosAndNoneWhereThereIsNone() {
    for (Path photo : SharedData.photosIn("_group")) {
      DetectResponse response = reader.recognition().detect(DetectRequest.newBuilder().setImage(Images.encoded(photo)).build());
      assertEquals(SharedData.referenceFaceCounts().get(SharedData.relative(photo)), response.getFacesCount(), photo.toString());
    }
    for (Path photo : SharedData.photosIn("_noface")) {
      DetectResponse response = reader.recognition().detect(DetectRequest.newBuilder().setImage(Images.encoded(photo)).build());
      assertEquals(0, response.getFacesCount(), photo.toString());
    }
  }

  @Test
  void healthAndServerInfoDescribeAReadyServer() {
    HealthCheckResponse health = HealthGrpc.newBlockingStub(reader.channel())
        .check(HealthCheckRequest.newBuilder().setService("visage.v1.RecognitionService").build());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING,
        HealthGrpc.newBlockingStub(reader.channel()).check(HealthCheckRequest.getDefaultInstance()).getStatus());

    GetServerInfoResponse info = reader.recognition().getServerInfo(GetServerInfoRequest.getDefaultInstance());
    assertEquals("yunet_s@daede240", info.getDetectorModelId());
    assertEquals("mobilefacenet@b7120c09", info.getEmbedderModelId());
    assertEquals("CPU", info.getExecutionProvider());
    assertEquals(4 << 20, info.getMaxMessageBytes());
    assertTrue(info.getDefaultThreshold() > 0.2f && info.getDefaultThreshold() < 0.6f);
  }
}
