package dev.visage.server.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.FrameKind;
import dev.visage.api.v1.FrameResult;
import dev.visage.api.v1.StreamConfig;
import dev.visage.api.v1.TrackEvent;
import dev.visage.api.v1.TrackEventType;
import dev.visage.api.v1.TrackedFace;
import dev.visage.server.testing.ClipFrames;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.StreamClient;
import dev.visage.server.testing.TestServer;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real clip through Recognize, frame by frame, with Lin-Manuel Miranda enrolled from his photo.
 */
class ClipRecognitionTest {

  @TempDir
  static Path data;

  private static TestServer server;
  private static String linId;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(data);
    linId = server.gallery().enroll(EnrollRequest.newBuilder().setDisplayName("Lin-Manuel Miranda")
        .addImages(Images.encoded("lin_manuel_miranda/lin-manuel-miranda.png")).build()).getPerson().getPersonId();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private record Run(List<FrameResult> results, List<TrackEvent> events, Status status) {
    long detections() {
      return results.stream().mapToLong(FrameResult::getFacesCount).sum();
    }

    long embeddings() {
      return events.stream().filter(e -> e.getType() == TrackEventType.TRACK_EVENT_TYPE_ENDED)
          .mapToLong(TrackEvent::getEmbeddings).sum();
    }

    Set<Long> tracks() {
      Set<Long> ids = new HashSet<>();
      results.forEach(r -> r.getFacesList().forEach(f -> ids.add(f.getTrackId())));
      return ids;
    }
  }

  private static Run stream(StreamConfig config) throws Exception {
    List<byte[]> frames = ClipFrames.jpegs();
    StreamClient client = new StreamClient(server.channel(), config);
    client.sendInLockStep(frames);
    Status status = client.finish();
    return new Run(client.results(), client.events(), status);
  }

  @Test
  void linManuelMirandaIsRecognisedAndEveryoneElseStaysUnknown() throws Exception {
    Run run = stream(StreamConfig.newBuilder().setName("stage").setFrameKind(FrameKind.FRAME_KIND_ENCODED).build());
    assertEquals(Status.Code.OK, run.status().getCode(), run.status().toString());
    List<FrameResult> results = run.results();
    assertEquals(ClipFrames.jpegs().size(), results.size(), "one result per frame");
    assertEquals(0, results.get(results.size() - 1).getDroppedFrames(), "lock-step sending drops nothing");

    // Per track: the frames it was seen in, and whether it was ever named.
    Map<Long, List<Long>> framesByTrack = new TreeMap<>();
    Map<Long, String> namedAs = new HashMap<>();
    for (FrameResult result : results) {
      for (TrackedFace face : result.getFacesList()) {
        framesByTrack.computeIfAbsent(face.getTrackId(), id -> new java.util.ArrayList<>()).add(result.getSequence());
        if (face.hasIdentity()) {
          namedAs.put(face.getTrackId(), face.getIdentity().getPersonId());
        }
      }
    }
    framesByTrack.forEach((track, frames) -> System.out.printf(Locale.ROOT, "[clip] track %d: frames %d-%d (%d seen) %s%n",
        track, frames.get(0), frames.get(frames.size() - 1), frames.size(), namedAs.getOrDefault(track, "unknown")));
    System.out.printf(Locale.ROOT, "[clip] %d frames, %d face detections, %d tracks, %d embeddings%n",
        results.size(), run.detections(), run.tracks().size(), run.embeddings());
    run.events().stream().filter(e -> e.getType() != TrackEventType.TRACK_EVENT_TYPE_STARTED
        && e.getType() != TrackEventType.TRACK_EVENT_TYPE_ENDED).forEach(e -> System.out.println("[clip] event " + e.getType()
        + " track " + e.getTrackId() + " frame " + e.getSequence() + " -> " + e.getIdentity().getDisplayName()));

    // Only his track is ever named; everyone else on stage stays unknown.
    assertEquals(Set.of(linId), new HashSet<>(namedAs.values()), "the only name given is his");
    List<Long> linTracks = namedAs.keySet().stream().toList();
    assertEquals(1, linTracks.size(), "one track for his shot");
    List<Long> linFrames = framesByTrack.get(linTracks.get(0));
    assertTrue(linFrames.size() >= 120, "his face is followed through his whole shot: " + linFrames.size() + " frames");
    TrackEvent identified = run.events().stream()
        .filter(e -> e.getType() == TrackEventType.TRACK_EVENT_TYPE_IDENTIFIED).findFirst().orElseThrow();
    assertEquals("Lin-Manuel Miranda", identified.getIdentity().getDisplayName());
    assertTrue(identified.getSequence() - linFrames.get(0) <= 30,
        "named within a second of appearing: frame " + identified.getSequence() + ", appeared at " + linFrames.get(0));
    assertTrue(run.events().stream().noneMatch(e -> e.getType() == TrackEventType.TRACK_EVENT_TYPE_IDENTITY_CHANGED),
        "no name flips");

    // The last shot shows six people at most at once: each keeps one track while on screen.
    int mostFacesAtOnce = results.stream().filter(r -> r.getSequence() >= 211)
        .mapToInt(FrameResult::getFacesCount).max().orElseThrow();
    long steadyTracks = framesByTrack.entrySet().stream()
        .filter(e -> e.getValue().get(0) >= 211 && e.getValue().size() >= 10).count();
    assertEquals(mostFacesAtOnce, steadyTracks, "one steady track per face in the last shot");

    // Each face is embedded when its track starts and when it may have improved, not every frame.
    assertTrue(run.embeddings() * 5 < run.detections(),
        "embeddings (" + run.embeddings() + ") far below detections (" + run.detections() + ")");
    for (FrameResult result : results) {
      assertEquals(result.getFacesCount(), result.getFacesList().stream().map(TrackedFace::getTrackId).distinct().count(),
          "a track is at most one face per frame");
    }
  }

  @Test
  void embeddingEveryFaceOfEveryFrameCostsAnEmbeddingPerDetection() throws Exception {
    Run run = stream(StreamConfig.newBuilder().setName("every frame").setEmbedEveryFrame(true).build());
    assertEquals(Status.Code.OK, run.status().getCode());
    System.out.printf(Locale.ROOT, "[clip] embedding every frame: %d detections, %d embeddings%n",
        run.detections(), run.embeddings());
    assertTrue(run.embeddings() >= run.detections() * 9 / 10, "nearly every detection embedded (all but tiny faces)");
    assertTrue(run.results().stream().flatMap(r -> r.getFacesList().stream())
        .anyMatch(face -> face.hasIdentity() && face.getIdentity().getPersonId().equals(linId)));
  }
}
