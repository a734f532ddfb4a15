package dev.visage.server.eval;

import dev.visage.server.Engine;
import dev.visage.server.bench.Photos;
import dev.visage.server.gallery.LuceneGallery;
import dev.visage.server.gallery.PersonMatch;
import dev.visage.server.gallery.VectorIndexSettings;
import dev.visage.server.inference.FaceDetection;
import dev.visage.server.recognition.EnrollmentPolicy;
import dev.visage.server.recognition.Enroller;
import dev.visage.server.recognition.FacePipeline;
import dev.visage.server.recognition.MatchPolicy;
import dev.visage.server.recognition.Recognizer;
import dev.visage.server.vision.ImageInput;
import dev.visage.server.vision.ImageRejectedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Recognition accuracy on a folder with one sub-folder of photos per person, measured with the
 * server's own pipeline, gallery and match rule:
 *
 * <ul>
 *   <li>verification: the largest face of every photo against every other photo's;
 *   <li>identification: the first usable photo of each person with several is enrolled in a fresh
 *       gallery; their other photos are identified (rank 1, and named at the threshold), and every
 *       face of the people kept out of the gallery must come out unknown.
 * </ul>
 */
public final class Evaluation {

  private final Engine engine;
  private final float threshold;
  private final EnrollmentPolicy enrollment;
  private final VectorIndexSettings vectors;

  /** @param threshold the match threshold identification is judged at */
  public Evaluation(Engine engine, float threshold, EnrollmentPolicy enrollment, VectorIndexSettings vectors) {
    this.engine = engine;
    this.threshold = threshold;
    this.enrollment = enrollment;
    this.vectors = vectors;
  }

  /** A photo's largest face, embedded. */
  record LabelledFace(String person, Path photo, float[] vector) {}

  /**
   * @param holdOut how many of the people with several photos to keep out of the gallery as well
   *     (people with a single photo always are: they cannot be both enrolled and probed)
   * @param seed chooses who is held out
   * @param scratch where the temporary gallery is built (deleted afterwards)
   */
  public EvaluationReport run(Path folder, int holdOut, long seed, Path scratch) throws IOException, InterruptedException {
    Map<String, List<Path>> persons = Photos.byPerson(folder);
    if (persons.size() < 2) {
      throw new IllegalArgumentException(folder + " holds " + persons.size() + " person folder(s); evaluation needs a "
          + "folder with one sub-folder of photos per person, at least two of them");
    }
    List<Path> withoutFace = new ArrayList<>();
    List<LabelledFace> faces = embedLargestFaces(persons, withoutFace);
    Verification verification = verify(faces);

    List<String> several = persons.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
    if (holdOut < 0 || holdOut >= several.size()) {
      throw new IllegalArgumentException("--hold-out must lie between 0 and " + (several.size() - 1)
          + ": " + several.size() + " people have several photos and at least one must be enrolled");
    }
    List<String> shuffled = new ArrayList<>(several);
    Collections.shuffle(shuffled, new Random(seed));
    List<String> heldOut = List.copyOf(shuffled.subList(0, holdOut));
    Identification identification = identify(persons, several.stream().filter(p -> !heldOut.contains(p)).toList(), scratch);
    return new EvaluationReport(folder, persons.size(), persons.values().stream().mapToInt(List::size).sum(), withoutFace,
        verification, threshold, identification, heldOut);
  }

  private List<LabelledFace> embedLargestFaces(Map<String, List<Path>> persons, List<Path> withoutFace)
      throws IOException, InterruptedException {
    FacePipeline pipeline = engine.pipeline();
    List<LabelledFace> faces = new ArrayList<>();
    for (Map.Entry<String, List<Path>> person : persons.entrySet()) {
      for (Path photo : person.getValue()) {
        try (FacePipeline.Image image = pipeline.open(ImageInput.Encoded.of(Files.readAllBytes(photo)))) {
          List<FaceDetection> found = image.detect(pipeline.defaultMinDetectionScore());
          if (found.isEmpty()) {
            withoutFace.add(photo);
          } else {
            faces.add(new LabelledFace(person.getKey(), photo, image.embed(List.of(found.get(0))).get(0)));
          }
        } catch (ImageRejectedException e) {
          withoutFace.add(photo);
        }
      }
    }
    return faces;
  }

  private static Verification verify(List<LabelledFace> faces) {
    int pairs = faces.size() * (faces.size() - 1) / 2;
    float[] genuine = new float[pairs];
    float[] impostor = new float[pairs];
    int g = 0;
    int i = 0;
    for (int a = 0; a < faces.size(); a++) {
      for (int b = a + 1; b < faces.size(); b++) {
        float similarity = dot(faces.get(a).vector(), faces.get(b).vector());
        if (faces.get(a).person().equals(faces.get(b).person())) {
          genuine[g++] = similarity;
        } else {
          impostor[i++] = similarity;
        }
      }
    }
    return new Verification(java.util.Arrays.copyOf(genuine, g), java.util.Arrays.copyOf(impostor, i));
  }

  /** What identification found. */
  public record Identification(int enrolled, List<Path> notEnrollable, int probes, int probesWithoutFace, int rankOneCorrect,
      int namedCorrectly, int namedWrongly, int strangerFaces, int strangersNamed, float closestStranger,
      float lowestCorrectSimilarity) {

    public double rankOneAccuracy() {
      return probes == 0 ? Double.NaN : (double) rankOneCorrect / probes;
    }

    public double strangerNamedRate() {
      return strangerFaces == 0 ? Double.NaN : (double) strangersNamed / strangerFaces;
    }
  }

  private Identification identify(Map<String, List<Path>> persons, List<String> enrolledPeople, Path scratch)
      throws IOException, InterruptedException {
    Path galleryDir = Files.createTempDirectory(scratch, "visage-eval");
    try (LuceneGallery gallery = LuceneGallery.open(galleryDir, engine.embedderSpec().versionedId(),
        engine.embedder().dimension(), vectors)) {
      MatchPolicy policy = new MatchPolicy(threshold);
      Enroller enroller = new Enroller(engine.pipeline(), gallery, enrollment);
      Recognizer recognizer = new Recognizer(engine.pipeline(), gallery, policy, 1000);

      List<Path> notEnrollable = new ArrayList<>();
      Map<String, String> personIds = new java.util.HashMap<>();
      Map<String, Path> enrolledPhoto = new java.util.HashMap<>();
      for (String person : enrolledPeople) {
        for (Path photo : persons.get(person)) { // the first photo the server accepts
          Enroller.Outcome outcome = enroller.enroll(new Enroller.Target.NewPerson(person),
              List.of(ImageInput.Encoded.of(Files.readAllBytes(photo))), Enroller.Selection.LARGEST);
          if (outcome.enrolled() == 1) {
            personIds.put(outcome.person().orElseThrow().personId(), person);
            enrolledPhoto.put(person, photo);
            break;
          }
          notEnrollable.add(photo);
        }
      }

      int probes = 0;
      int withoutFace = 0;
      int rankOne = 0;
      int namedCorrectly = 0;
      int namedWrongly = 0;
      float lowestCorrect = Float.NaN;
      Recognizer.IdentifyOptions largestFace = new Recognizer.IdentifyOptions(null, 1, 1, null);
      for (String person : personIds.values()) {
        for (Path photo : persons.get(person)) {
          if (photo.equals(enrolledPhoto.get(person)) || notEnrollable.contains(photo)) {
            continue;
          }
          probes++;
          List<Recognizer.IdentifiedFace> found = identify(recognizer, photo, largestFace);
          if (found.isEmpty()) {
            withoutFace++;
            continue;
          }
          Recognizer.IdentifiedFace face = found.get(0);
          if (!face.candidates().isEmpty() && person.equals(personIds.get(face.candidates().get(0).personId()))) {
            rankOne++;
          }
          if (face.match().isPresent()) {
            PersonMatch match = face.match().get();
            if (person.equals(personIds.get(match.personId()))) {
              namedCorrectly++;
              lowestCorrect = Float.isNaN(lowestCorrect) ? match.similarity() : Math.min(lowestCorrect, match.similarity());
            } else {
              namedWrongly++;
            }
          }
        }
      }

      int strangerFaces = 0;
      int strangersNamed = 0;
      float closestStranger = Float.NaN;
      Recognizer.IdentifyOptions everyFace = new Recognizer.IdentifyOptions(null, 1, 0, null);
      for (Map.Entry<String, List<Path>> person : persons.entrySet()) {
        if (personIds.containsValue(person.getKey())) {
          continue;
        }
        for (Path photo : person.getValue()) {
          for (Recognizer.IdentifiedFace face : identify(recognizer, photo, everyFace)) {
            strangerFaces++;
            if (face.match().isPresent()) {
              strangersNamed++;
            }
            if (!face.candidates().isEmpty()) {
              float top = face.candidates().get(0).similarity();
              closestStranger = Float.isNaN(closestStranger) ? top : Math.max(closestStranger, top);
            }
          }
        }
      }
      return new Identification(personIds.size(), notEnrollable, probes, withoutFace, rankOne, namedCorrectly, namedWrongly,
          strangerFaces, strangersNamed, closestStranger, lowestCorrect);
    } finally {
      deleteTree(galleryDir);
    }
  }

  private static List<Recognizer.IdentifiedFace> identify(Recognizer recognizer, Path photo, Recognizer.IdentifyOptions options)
      throws IOException, InterruptedException {
    try {
      return recognizer.identify(ImageInput.Encoded.of(Files.readAllBytes(photo)), options).faces();
    } catch (ImageRejectedException e) {
      return List.of();
    }
  }

  private static float dot(float[] a, float[] b) {
    float sum = 0;
    for (int d = 0; d < a.length; d++) {
      sum += a[d] * b[d];
    }
    return sum;
  }

  private static void deleteTree(Path directory) throws IOException {
    try (var files = Files.walk(directory)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
