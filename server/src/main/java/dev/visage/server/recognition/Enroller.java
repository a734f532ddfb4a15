package dev.visage.server.recognition;

import dev.visage.server.gallery.Enrollment;
import dev.visage.server.gallery.FaceOrigin;
import dev.visage.server.gallery.Gallery;
import dev.visage.server.gallery.NewFace;
import dev.visage.server.gallery.PersonRecord;
import dev.visage.server.inference.FaceDetection;
import dev.visage.server.vision.ImageInput;
import dev.visage.server.vision.ImageRejectedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Enrolls faces from photos: one face per photo, checked against the {@link EnrollmentPolicy},
 * each photo accepted or rejected with a reason a person can act on. Only the vectors are kept.
 */
public final class Enroller {

  /** Who the faces are added to. */
  public sealed interface Target {
    record NewPerson(String displayName) implements Target {}

    record ExistingPerson(String personId) implements Target {}
  }

  /** Which face of a photo is enrolled. */
  public enum Selection {
    /** The largest face; smaller ones in the background are ignored. */
    LARGEST,
    /** Exactly one confident face, else the photo is rejected. */
    REQUIRE_SINGLE
  }

  public enum RejectionReason {
    NO_FACE, MULTIPLE_FACES, FACE_TOO_SMALL, LOW_DETECTION_SCORE, INVALID_IMAGE, IMAGE_TOO_LARGE
  }

  /** @param face the face the decision was about, when there was one */
  public record Rejection(RejectionReason reason, String message, FaceDetection face) {}

  /** What became of one photo: a face id, or a rejection. */
  public record PhotoOutcome(String faceId, FaceDetection face, Rejection rejection) {
    public boolean accepted() {
      return rejection == null;
    }
  }

  /** @param person the person after enrollment; empty if a new person was asked for and no photo was accepted */
  public record Outcome(Optional<PersonRecord> person, List<PhotoOutcome> photos, int enrolled) {}

  private final FacePipeline pipeline;
  private final Gallery gallery;
  private final EnrollmentPolicy policy;

  public Enroller(FacePipeline pipeline, Gallery gallery, EnrollmentPolicy policy) {
    this.pipeline = pipeline;
    this.gallery = gallery;
    this.policy = policy;
  }

  public EnrollmentPolicy policy() {
    return policy;
  }

  public Outcome enroll(Target target, List<ImageInput> photos, Selection selection) throws InterruptedException {
    if (target instanceof Target.ExistingPerson existing) {
      gallery.getPerson(existing.personId()); // unknown ids fail before any photo is processed
    }
    List<NewFace> accepted = new ArrayList<>();
    List<FaceDetection> acceptedFaces = new ArrayList<>();
    List<Integer> acceptedIndex = new ArrayList<>();
    List<PhotoOutcome> outcomes = new ArrayList<>();
    for (ImageInput photo : photos) {
      Candidate candidate = examine(photo, selection);
      if (candidate.rejection() != null) {
        outcomes.add(new PhotoOutcome(null, candidate.rejection().face(), candidate.rejection()));
      } else {
        acceptedIndex.add(outcomes.size());
        outcomes.add(null); // filled with the face id once saved
        accepted.add(new NewFace(candidate.vector(), originOf(candidate.face())));
        acceptedFaces.add(candidate.face());
      }
    }
    if (accepted.isEmpty()) {
      Optional<PersonRecord> person = target instanceof Target.ExistingPerson existing
          ? Optional.of(gallery.getPerson(existing.personId()))
          : Optional.empty();
      return new Outcome(person.map(Enroller::summary), outcomes, 0);
    }

    Enrollment enrollment = switch (target) {
      case Target.NewPerson person -> gallery.createPerson(person.displayName(), accepted);
      case Target.ExistingPerson person -> gallery.addFaces(person.personId(), accepted);
    };
    for (int i = 0; i < accepted.size(); i++) {
      outcomes.set(acceptedIndex.get(i), new PhotoOutcome(enrollment.faceIds().get(i), acceptedFaces.get(i), null));
    }
    return new Outcome(Optional.of(enrollment.person()), outcomes, accepted.size());
  }

  /** A photo's chosen face and its vector, or why there is none. */
  private record Candidate(FaceDetection face, float[] vector, Rejection rejection) {}

  private Candidate examine(ImageInput photo, Selection selection) throws InterruptedException {
    try (FacePipeline.Image image = pipeline.open(photo)) {
      List<FaceDetection> found = image.detect(policy.searchFloor());
      List<FaceDetection> confident = found.stream().filter(f -> f.score() >= policy.minDetectionScore()).toList();
      if (found.isEmpty()) {
        return rejected(RejectionReason.NO_FACE, "no face was found in this " + image.width() + "x"
            + image.height() + " photo; use one where the face is clearly visible and at least "
            + Math.round(policy.minFaceSize()) + " px wide", null);
      }
      if (confident.isEmpty()) {
        FaceDetection doubtful = found.get(0);
        return rejected(RejectionReason.LOW_DETECTION_SCORE, String.format(Locale.ROOT,
            "the face is unclear (detection score %.2f, at least %.2f needed); use a sharper, "
                + "well-lit photo of the face seen from the front", doubtful.score(), policy.minDetectionScore()),
            doubtful);
      }
      if (selection == Selection.REQUIRE_SINGLE && confident.size() > 1) {
        return rejected(RejectionReason.MULTIPLE_FACES, "the photo shows " + confident.size()
            + " faces and exactly one was required; crop it to the person, or enroll the largest face", confident.get(0));
      }
      FaceDetection chosen = confident.get(0);
      if (chosen.box().shortSide() < policy.minFaceSize()) {
        return rejected(RejectionReason.FACE_TOO_SMALL, String.format(Locale.ROOT,
            "the face is %d px wide; at least %d px is needed: move closer or use a larger photo",
            Math.round(chosen.box().shortSide()), Math.round(policy.minFaceSize())), chosen);
      }
      float[] vector = image.embed(List.of(chosen)).get(0);
      return new Candidate(chosen, vector, null);
    } catch (ImageRejectedException e) {
      RejectionReason reason = e.reason() == ImageRejectedException.Reason.TOO_LARGE
          ? RejectionReason.IMAGE_TOO_LARGE
          : RejectionReason.INVALID_IMAGE;
      return rejected(reason, e.getMessage(), null);
    }
  }

  private static Candidate rejected(RejectionReason reason, String message, FaceDetection face) {
    return new Candidate(face, null, new Rejection(reason, message, face));
  }

  private static FaceOrigin originOf(FaceDetection face) {
    return new FaceOrigin(face.box().x(), face.box().y(), face.box().width(), face.box().height(),
        face.landmarks().toArray(), face.score());
  }

  private static PersonRecord summary(PersonRecord person) {
    return new PersonRecord(person.personId(), person.displayName(), person.faceCount(), person.createTime(), List.of());
  }
}
