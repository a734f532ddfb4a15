package dev.visage.server.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.gallery.PersonMatch;
import dev.visage.server.inference.FaceDetection;
import dev.visage.server.vision.Box;
import dev.visage.server.vision.Landmarks;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrackerTest {

  private static final TrackingSettings SETTINGS = new TrackingSettings(0.3f, 3, 30, 5, 24f, 0.2f, 20f);

  private static FaceDetection face(float x, float y, float size) {
    float[] points = {x + 0.3f * size, y + 0.4f * size, x + 0.7f * size, y + 0.4f * size, x + 0.5f * size,
        y + 0.6f * size, x + 0.35f * size, y + 0.8f * size, x + 0.65f * size, y + 0.8f * size};
    return new FaceDetection(new Box(x, y, size, size), new Landmarks(points), 0.9f);
  }

  private static PersonMatch person(String id, float similarity) {
    return new PersonMatch(id, id.toUpperCase(), similarity, "face-" + id);
  }

  @Test
  void aFaceSpeedingUpKeepsItsTrackEvenWhenItOutrunsItsBox() {
    Tracker tracker = new Tracker(SETTINGS);
    long id = tracker.update(List.of(face(0, 100, 60))).started().get(0).id();
    // It speeds up to 40 px a frame, where a 60 px box overlaps its last position by IoU 0.2 only:
    // the motion estimate predicts where it will be.
    float x = 0;
    for (int frame = 1; frame < 20; frame++) {
      x += Math.min(40f, 10f * frame);
      Tracker.Update update = tracker.update(List.of(face(x, 100, 60)));
      assertTrue(update.started().isEmpty(), "frame " + frame + " started a new track");
      assertEquals(id, update.visible().get(0).track().id());
    }
  }

  @Test
  void twoFacesKeepTheirOwnTracks() {
    Tracker tracker = new Tracker(SETTINGS);
    Tracker.Update first = tracker.update(List.of(face(0, 0, 80), face(300, 0, 80)));
    assertEquals(2, first.started().size());
    Tracker.Update second = tracker.update(List.of(face(305, 2, 80), face(4, 1, 80)));
    assertTrue(second.started().isEmpty());
    assertEquals(first.started().get(0).id(), second.visible().stream()
        .filter(o -> o.detection().box().x() < 100).findFirst().orElseThrow().track().id());
  }

  @Test
  void aTrackEndsAfterTooManyMissedFramesAndIdsAreNeverReused() {
    Tracker tracker = new Tracker(SETTINGS);
    long first = tracker.update(List.of(face(0, 0, 80))).started().get(0).id();
    for (int i = 0; i < 3; i++) {
      assertTrue(tracker.update(List.of()).ended().isEmpty(), "still within the allowed misses");
    }
    Tracker.Update gone = tracker.update(List.of());
    assertEquals(first, gone.ended().get(0).id());
    long second = tracker.update(List.of(face(0, 0, 80))).started().get(0).id();
    assertTrue(second > first);
  }

  @Test
  void aBriefOcclusionDoesNotBreakATrack() {
    Tracker tracker = new Tracker(SETTINGS);
    long id = tracker.update(List.of(face(0, 0, 80))).started().get(0).id();
    tracker.update(List.of());
    tracker.update(List.of());
    Tracker.Update back = tracker.update(List.of(face(2, 0, 80)));
    assertTrue(back.started().isEmpty());
    assertEquals(id, back.visible().get(0).track().id());
  }

  @Test
  void embeddingIsWantedAtTheStartWhenTheViewImprovesAndAfterTheInterval() {
    Tracker tracker = new Tracker(SETTINGS);
    Tracker.Update start = tracker.update(List.of(face(0, 0, 60)));
    Track track = start.started().get(0);
    assertEquals(List.of(track), tracker.wantingEmbeddings(start));
    tracker.recordVerdict(track, unit(0), Optional.of(person("a", 0.8f)));

    assertTrue(tracker.wantingEmbeddings(tracker.update(List.of(face(1, 0, 61)))).isEmpty(), "nothing new");
    assertEquals(List.of(track), tracker.wantingEmbeddings(tracker.update(List.of(face(0, 0, 90)))), "a much larger face");
    tracker.recordVerdict(track, unit(0), Optional.of(person("a", 0.8f)));
    for (int frame = 0; frame < 29; frame++) {
      assertTrue(tracker.wantingEmbeddings(tracker.update(List.of(face(0, 0, 90)))).isEmpty());
    }
    assertEquals(List.of(track), tracker.wantingEmbeddings(tracker.update(List.of(face(0, 0, 90)))), "the interval passed");
  }

  @Test
  void tinyFacesAreFollowedButNotEmbedded() {
    Tracker tracker = new Tracker(SETTINGS);
    Tracker.Update update = tracker.update(List.of(face(0, 0, 16)));
    assertEquals(1, update.visible().size());
    assertTrue(tracker.wantingEmbeddings(update).isEmpty());
  }

  @Test
  void oneUnluckyEmbeddingDoesNotFlipTheName() {
    Tracker tracker = new Tracker(SETTINGS);
    Track track = tracker.update(List.of(face(0, 0, 80))).started().get(0);
    assertEquals(IdentityChange.Kind.IDENTIFIED, tracker.recordVerdict(track, unit(0), Optional.of(person("a", 0.7f))).kind());
    assertEquals(IdentityChange.Kind.NONE, tracker.recordVerdict(track, unit(0), Optional.of(person("a", 0.6f))).kind());
    assertEquals(IdentityChange.Kind.NONE, tracker.recordVerdict(track, unit(0), Optional.of(person("b", 0.5f))).kind());
    assertEquals(IdentityChange.Kind.NONE, tracker.recordVerdict(track, unit(0), Optional.empty()).kind());
    assertEquals("a", track.identity().orElseThrow().personId());
    assertEquals(0.5f, track.confidence(), 1e-6, "two of four votes agree");
    assertEquals(0.7f, track.identity().orElseThrow().similarity(), 1e-6, "the best similarity for the name");
  }

  @Test
  void aMajorityForSomeoneElseChangesTheName() {
    Tracker tracker = new Tracker(new TrackingSettings(0.3f, 3, 30, 3, 24f, 0.2f, 20f));
    Track track = tracker.update(List.of(face(0, 0, 80))).started().get(0);
    tracker.recordVerdict(track, unit(0), Optional.of(person("a", 0.7f)));
    tracker.recordVerdict(track, unit(0), Optional.of(person("b", 0.7f)));
    IdentityChange change = tracker.recordVerdict(track, unit(0), Optional.of(person("b", 0.7f)));
    assertEquals(IdentityChange.Kind.CHANGED, change.kind());
    assertEquals("a", change.before().orElseThrow().personId());
    assertEquals("b", change.after().orElseThrow().personId());
  }

  @Test
  void anEmbeddingOfSomeoneElseSplitsTheTrack() {
    Tracker tracker = new Tracker(SETTINGS);
    Track track = tracker.update(List.of(face(0, 0, 80))).started().get(0);
    tracker.recordVerdict(track, unit(0), Optional.empty());
    assertFalse(tracker.belongsToSomeoneElse(track, unit(0)));
    assertTrue(tracker.belongsToSomeoneElse(track, unit(1)), "an orthogonal vector is another face");
    Track successor = tracker.split(track);
    assertTrue(successor.id() > track.id());
    assertEquals(0, successor.embeddings());
    assertEquals(successor.id(), tracker.update(List.of(face(1, 0, 80))).visible().get(0).track().id());
  }

  private static float[] unit(int axis) {
    float[] vector = new float[128];
    vector[axis] = 1f;
    return vector;
  }
}
