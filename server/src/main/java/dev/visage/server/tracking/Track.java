package dev.visage.server.tracking;

import dev.visage.server.gallery.PersonMatch;
import dev.visage.server.inference.FaceDetection;
import dev.visage.server.vision.Box;
import java.util.Optional;

/**
 * One face followed across frames: where it was last seen, how fast it moves, how good the best
 * view of it has been, and the votes on who it is.
 */
public final class Track {

  /** How much of a new velocity measurement replaces the old estimate. */
  private static final float SMOOTHING = 0.5f;

  private final long id;
  private FaceDetection last;
  private long lastSeenFrame;
  private int framesSeen;
  private float vx;
  private float vy;
  private float vw;
  private float vh;
  private FaceQuality bestEmbedded;
  private long lastEmbeddedFrame = -1;
  private int embeddings;
  private boolean everIdentified;
  private final IdentityVotes votes;
  /** The sum of the track's embeddings: its appearance so far. */
  private float[] appearance;

  Track(long id, FaceDetection first, long frame, int maxVotes) {
    this.id = id;
    this.last = first;
    this.lastSeenFrame = frame;
    this.framesSeen = 1;
    this.votes = new IdentityVotes(maxVotes);
  }

  public long id() {
    return id;
  }

  public FaceDetection lastDetection() {
    return last;
  }

  public int framesSeen() {
    return framesSeen;
  }

  public int embeddings() {
    return embeddings;
  }

  public Optional<PersonMatch> identity() {
    return votes.identity();
  }

  public float confidence() {
    return votes.confidence();
  }

  long lastSeenFrame() {
    return lastSeenFrame;
  }

  /** Where the face should be at {@code frame}, moving as it has been. */
  Box predictedBox(long frame) {
    long gap = frame - lastSeenFrame;
    Box box = last.box();
    return new Box(box.x() + vx * gap, box.y() + vy * gap, Math.max(1f, box.width() + vw * gap),
        Math.max(1f, box.height() + vh * gap));
  }

  void seen(FaceDetection detection, long frame) {
    long gap = Math.max(1, frame - lastSeenFrame);
    Box previous = last.box();
    Box now = detection.box();
    vx = SMOOTHING * (now.x() - previous.x()) / gap + (1 - SMOOTHING) * vx;
    vy = SMOOTHING * (now.y() - previous.y()) / gap + (1 - SMOOTHING) * vy;
    vw = SMOOTHING * (now.width() - previous.width()) / gap + (1 - SMOOTHING) * vw;
    vh = SMOOTHING * (now.height() - previous.height()) / gap + (1 - SMOOTHING) * vh;
    last = detection;
    lastSeenFrame = frame;
    framesSeen++;
  }

  /**
   * Whether the face as seen now is worth embedding: the track has no embedding yet, the view is
   * clearly better than any embedded so far, or the re-embedding interval has passed. A track not
   * yet named looks again three times as often, for its first few embeddings: it may be someone
   * seen badly at first.
   */
  boolean wantsEmbedding(long frame, TrackingSettings settings) {
    FaceQuality quality = FaceQuality.of(last);
    if (quality.size() < settings.minEmbedSize()) {
      return false;
    }
    boolean stillSearching = identity().isEmpty() && embeddings < Math.max(1, settings.maxVotes() / 2);
    int interval = stillSearching ? Math.max(1, settings.reembedIntervalFrames() / 3) : settings.reembedIntervalFrames();
    return bestEmbedded == null
        || quality.clearlyBetterThan(bestEmbedded)
        || frame - lastEmbeddedFrame >= interval;
  }

  /**
   * How similar an embedding is to the track's earlier ones (cosine with their mean direction), or
   * 1 when the track has none yet.
   */
  public float similarityToAppearance(float[] vector) {
    if (appearance == null) {
      return 1f;
    }
    double dot = 0;
    double norm = 0;
    for (int i = 0; i < vector.length; i++) {
      dot += appearance[i] * vector[i];
      norm += appearance[i] * appearance[i];
    }
    return norm == 0 ? 1f : (float) (dot / Math.sqrt(norm));
  }

  /** Records the verdict of an embedding of the current view, and what it did to the identity. */
  IdentityChange embedded(float[] vector, Optional<PersonMatch> verdict, long frame) {
    if (appearance == null) {
      appearance = vector.clone();
    } else {
      for (int i = 0; i < vector.length; i++) {
        appearance[i] += vector[i];
      }
    }
    FaceQuality quality = FaceQuality.of(last);
    bestEmbedded = bestEmbedded == null ? quality : bestEmbedded.max(quality);
    lastEmbeddedFrame = frame;
    embeddings++;
    Optional<PersonMatch> before = votes.identity();
    Optional<PersonMatch> after = votes.add(verdict);
    String beforeId = before.map(PersonMatch::personId).orElse(null);
    String afterId = after.map(PersonMatch::personId).orElse(null);
    if (java.util.Objects.equals(beforeId, afterId)) {
      return new IdentityChange(IdentityChange.Kind.NONE, before, after);
    }
    if (!everIdentified && after.isPresent()) {
      everIdentified = true;
      return new IdentityChange(IdentityChange.Kind.IDENTIFIED, before, after);
    }
    return new IdentityChange(IdentityChange.Kind.CHANGED, before, after);
  }

  /**
   * Re-checks the track's votes against the gallery (persons deleted or renamed since they were
   * cast) and says what that did to its identity.
   */
  IdentityChange revalidate(java.util.function.Function<String, Optional<String>> currentName) {
    Optional<PersonMatch> before = votes.identity();
    Optional<PersonMatch> after = votes.revalidate(currentName);
    boolean sameName = before.map(PersonMatch::displayName).equals(after.map(PersonMatch::displayName));
    boolean samePerson = before.map(PersonMatch::personId).equals(after.map(PersonMatch::personId));
    return new IdentityChange(samePerson && sameName ? IdentityChange.Kind.NONE : IdentityChange.Kind.CHANGED, before, after);
  }

  /** A new track continuing from this one's last detection (another person took its place). */
  Track successor(long id, long frame, int maxVotes) {
    return new Track(id, last, frame, maxVotes);
  }
}
