package dev.visage.server.tracking;

import dev.visage.server.gallery.PersonMatch;
import dev.visage.server.inference.FaceDetection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Follows the faces of one stream. Each frame's detections are matched to the existing tracks by
 * the overlap (IoU) of each detection with where the track is predicted to be (its last box moved
 * at its recent speed), best overlaps first. Unmatched detections start new tracks; tracks unseen
 * for too many frames end. Not thread-safe: one stream, one frame at a time.
 */
public final class Tracker {

  private final TrackingSettings settings;
  private final List<Track> tracks = new ArrayList<>();
  private long nextId = 1;
  private long frame = -1;

  public Tracker(TrackingSettings settings) {
    this.settings = settings;
  }

  /** What one frame did to the tracks. */
  public record Update(long frame, List<Observation> visible, List<Track> started, List<Track> ended) {}

  /** A track seen in this frame, with the detection that continued it. */
  public record Observation(Track track, FaceDetection detection) {}

  /** Matches a frame's detections to the tracks. */
  public Update update(List<FaceDetection> detections) {
    frame++;
    record Pair(int track, int detection, float iou) {}
    List<Pair> pairs = new ArrayList<>();
    for (int t = 0; t < tracks.size(); t++) {
      var predicted = tracks.get(t).predictedBox(frame);
      for (int d = 0; d < detections.size(); d++) {
        float iou = predicted.iou(detections.get(d).box());
        if (iou >= settings.minIou()) {
          pairs.add(new Pair(t, d, iou));
        }
      }
    }
    pairs.sort(Comparator.comparingDouble((Pair p) -> -p.iou()));
    boolean[] trackTaken = new boolean[tracks.size()];
    FaceDetection[] continued = new FaceDetection[tracks.size()];
    boolean[] detectionTaken = new boolean[detections.size()];
    for (Pair pair : pairs) {
      if (!trackTaken[pair.track()] && !detectionTaken[pair.detection()]) {
        trackTaken[pair.track()] = true;
        detectionTaken[pair.detection()] = true;
        continued[pair.track()] = detections.get(pair.detection());
      }
    }

    List<Observation> visible = new ArrayList<>();
    List<Track> ended = new ArrayList<>();
    int index = 0;
    for (Iterator<Track> it = tracks.iterator(); it.hasNext(); index++) {
      Track track = it.next();
      if (continued[index] != null) {
        track.seen(continued[index], frame);
        visible.add(new Observation(track, continued[index]));
      } else if (frame - track.lastSeenFrame() > settings.maxMissedFrames()) {
        it.remove();
        ended.add(track);
      }
    }
    List<Track> started = new ArrayList<>();
    for (int d = 0; d < detections.size(); d++) {
      if (!detectionTaken[d]) {
        Track track = new Track(nextId++, detections.get(d), frame, settings.maxVotes());
        tracks.add(track);
        started.add(track);
        visible.add(new Observation(track, detections.get(d)));
      }
    }
    return new Update(frame, visible, started, ended);
  }

  /** The visible tracks whose faces are worth embedding in this frame. */
  public List<Track> wantingEmbeddings(Update update) {
    return update.visible().stream()
        .map(Observation::track)
        .filter(track -> track.wantsEmbedding(update.frame(), settings))
        .toList();
  }

  /** Records an embedding and its verdict (empty: unknown) for a track, and what it changed. */
  public IdentityChange recordVerdict(Track track, float[] vector, Optional<PersonMatch> verdict) {
    return track.embedded(vector, verdict, frame);
  }

  /**
   * Whether an embedding says another person has taken the track's place: it is less similar to
   * the track's earlier embeddings than the split threshold.
   */
  public boolean belongsToSomeoneElse(Track track, float[] vector) {
    return track.similarityToAppearance(vector) < settings.splitSimilarity();
  }

  /** Ends a track and starts a new one at its place, in the current frame; returns the new one. */
  public Track split(Track track) {
    Track successor = track.successor(nextId++, frame, settings.maxVotes());
    tracks.set(tracks.indexOf(track), successor);
    return successor;
  }

  /**
   * Re-checks every track's identity against the gallery after persons were deleted or renamed.
   *
   * @return the tracks whose identity changed, with the change
   */
  public java.util.Map<Track, IdentityChange> revalidate(java.util.function.Function<String, Optional<String>> currentName) {
    java.util.Map<Track, IdentityChange> changed = new java.util.LinkedHashMap<>();
    for (Track track : tracks) {
      IdentityChange change = track.revalidate(currentName);
      if (change.kind() != IdentityChange.Kind.NONE) {
        changed.put(track, change);
      }
    }
    return changed;
  }

  /** Ends every track (the stream is over) and returns them. */
  public List<Track> endAll() {
    List<Track> ended = new ArrayList<>(tracks);
    tracks.clear();
    return ended;
  }

  public int activeTracks() {
    return tracks.size();
  }
}
