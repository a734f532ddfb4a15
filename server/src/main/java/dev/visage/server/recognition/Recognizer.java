package dev.visage.server.recognition;

import dev.visage.server.gallery.Gallery;
import dev.visage.server.gallery.PersonMatch;
import dev.visage.server.inference.FaceDetection;
import dev.visage.server.metrics.Metrics;
import dev.visage.server.vision.ImageInput;
import dev.visage.server.vision.ImageRejectedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Detect, identify and verify: the questions asked of a single image. */
public final class Recognizer {

  private final FacePipeline pipeline;
  private final Gallery gallery;
  private final MatchPolicy policy;
  private final int maxFacesPerImage;

  /**
   * @param maxFacesPerImage the most faces reported (Detect) or identified (Identify) per image;
   *     the smallest beyond it are counted as omitted
   */
  public Recognizer(FacePipeline pipeline, Gallery gallery, MatchPolicy policy, int maxFacesPerImage) {
    this.pipeline = pipeline;
    this.gallery = gallery;
    this.policy = policy;
    this.maxFacesPerImage = maxFacesPerImage;
  }

  public int maxFacesPerImage() {
    return maxFacesPerImage;
  }

  /** @param omitted faces found beyond the per-image limit (the smallest ones) */
  public record Detection(int width, int height, List<FaceDetection> faces, int omitted) {}

  public Detection detect(ImageInput input, Float minScore) throws ImageRejectedException, InterruptedException {
    try (FacePipeline.Image image = pipeline.open(input)) {
      List<FaceDetection> faces = image.detect(minScore(minScore));
      int kept = Math.min(faces.size(), maxFacesPerImage);
      return new Detection(image.width(), image.height(), faces.subList(0, kept), faces.size() - kept);
    }
  }

  /**
   * @param threshold null for the default
   * @param maxCandidates persons listed per face
   * @param maxFaces identify only the largest N faces; 0 for the server's limit
   * @param minScore null for the detector's default
   */
  public record IdentifyOptions(Float threshold, int maxCandidates, int maxFaces, Float minScore) {}

  /** @param match present when the face is this person; empty means unknown */
  public record IdentifiedFace(FaceDetection face, Optional<PersonMatch> match, List<PersonMatch> candidates) {}

  public record Identification(int width, int height, List<IdentifiedFace> faces, float threshold, int omitted) {}

  public Identification identify(ImageInput input, IdentifyOptions options)
      throws ImageRejectedException, InterruptedException {
    float threshold = policy.thresholdFor(options.threshold());
    int limit = options.maxFaces() > 0 ? Math.min(options.maxFaces(), maxFacesPerImage) : maxFacesPerImage;
    try (FacePipeline.Image image = pipeline.open(input)) {
      List<FaceDetection> faces = image.detect(minScore(options.minScore()));
      List<FaceDetection> chosen = faces.subList(0, Math.min(limit, faces.size()));
      List<float[]> vectors = image.embed(chosen);
      List<IdentifiedFace> identified = new ArrayList<>(chosen.size());
      for (int i = 0; i < chosen.size(); i++) {
        long searching = System.nanoTime();
        List<PersonMatch> candidates = gallery.search(vectors.get(i), options.maxCandidates());
        Metrics.stage("search", searching);
        identified.add(new IdentifiedFace(chosen.get(i), policy.decide(candidates, threshold), candidates));
      }
      return new Identification(image.width(), image.height(), identified, threshold, faces.size() - chosen.size());
    }
  }

  /**
   * @param referenceFace the reference image's face, when comparing two images
   * @param referenceFaceId the person's closest enrolled face, when comparing with a person
   */
  public record Verification(boolean match, float similarity, float threshold, FaceDetection face,
      FaceDetection referenceFace, String referenceFaceId) {}

  /** Is the largest face of the image this enrolled person? */
  public Verification verifyPerson(ImageInput probe, String personId, Float threshold)
      throws ImageRejectedException, InterruptedException {
    float applied = policy.thresholdFor(threshold);
    gallery.getPerson(personId); // an unknown person is reported before any work is done
    Embedded face = largestFace(probe, "image");
    PersonMatch closest = gallery.closestFaceOf(personId, face.vector())
        .orElseThrow(() -> new PreconditionFailedException("person " + personId
            + " has no enrolled faces to compare with; enroll a photo of them first"));
    return new Verification(policy.isMatch(closest.similarity(), applied), closest.similarity(), applied,
        face.detection(), null, closest.faceId());
  }

  /** Are the largest faces of the two images the same person? */
  public Verification verifyImages(ImageInput probe, ImageInput reference, Float threshold)
      throws ImageRejectedException, InterruptedException {
    float applied = policy.thresholdFor(threshold);
    Embedded first = largestFace(probe, "image");
    Embedded second = largestFace(reference, "reference_image");
    float similarity = dot(first.vector(), second.vector());
    return new Verification(policy.isMatch(similarity, applied), similarity, applied,
        first.detection(), second.detection(), "");
  }

  private record Embedded(FaceDetection detection, float[] vector) {}

  private Embedded largestFace(ImageInput input, String field) throws ImageRejectedException, InterruptedException {
    try (FacePipeline.Image image = pipeline.open(input)) {
      List<FaceDetection> faces = image.detect(pipeline.defaultMinDetectionScore());
      if (faces.isEmpty()) {
        throw new InvalidRequestException("no face was found in " + field + " (" + image.width() + "x"
            + image.height() + "); send a photo with a clearly visible face");
      }
      FaceDetection largest = faces.get(0);
      return new Embedded(largest, image.embed(List.of(largest)).get(0));
    }
  }

  private float minScore(Float requested) {
    if (requested == null) {
      return pipeline.defaultMinDetectionScore();
    }
    if (!(requested >= 0f && requested <= 1f)) {
      throw new InvalidRequestException("min_detection_score lies between 0 and 1, got " + requested);
    }
    return requested;
  }

  private static float dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return (float) sum;
  }
}
