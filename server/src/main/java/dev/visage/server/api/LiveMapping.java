package dev.visage.server.api;

import com.google.protobuf.Duration;
import dev.visage.api.v1.FrameResult;
import dev.visage.api.v1.TrackEvent;
import dev.visage.api.v1.TrackEventType;
import dev.visage.api.v1.TrackedFace;
import dev.visage.server.live.FrameInfo;
import dev.visage.server.live.LiveEvent;
import dev.visage.server.live.LiveFace;
import dev.visage.server.live.LiveFrame;

/** Live results and events as API messages. */
final class LiveMapping {

  private LiveMapping() {}

  static FrameResult result(LiveFrame frame, long processed, long dropped, long skipped) {
    FrameResult.Builder result = FrameResult.newBuilder()
        .setSequence(frame.frame().sequence())
        .setLatency(Duration.newBuilder()
            .setSeconds(frame.latencyNanos() / 1_000_000_000L)
            .setNanos((int) (frame.latencyNanos() % 1_000_000_000L)))
        .setImage(ProtoMapping.imageInfo(frame.width(), frame.height()))
        .setProcessedFrames(processed)
        .setDroppedFrames(dropped)
        .setSkippedFrames(skipped)
        .setError(frame.error());
    setCaptureTime(frame.frame(), result::setCaptureTime);
    for (LiveFace face : frame.faces()) {
      TrackedFace.Builder tracked = TrackedFace.newBuilder()
          .setTrackId(face.trackId())
          .setFace(ProtoMapping.detectedFace(face.detection()))
          .setConfidence(face.confidence())
          .setEmbeddings(face.embeddings());
      face.identity().ifPresent(identity -> tracked.setIdentity(ProtoMapping.candidate(identity)));
      result.addFaces(tracked);
    }
    return result.build();
  }

  static TrackEvent event(LiveEvent event) {
    TrackEvent.Builder message = TrackEvent.newBuilder()
        .setType(switch (event.type()) {
          case STARTED -> TrackEventType.TRACK_EVENT_TYPE_STARTED;
          case IDENTIFIED -> TrackEventType.TRACK_EVENT_TYPE_IDENTIFIED;
          case IDENTITY_CHANGED -> TrackEventType.TRACK_EVENT_TYPE_IDENTITY_CHANGED;
          case ENDED -> TrackEventType.TRACK_EVENT_TYPE_ENDED;
        })
        .setTrackId(event.trackId())
        .setEmbeddings(event.embeddings())
        .setFramesSeen(event.framesSeen());
    if (event.frame() != null) {
      message.setSequence(event.frame().sequence());
      setCaptureTime(event.frame(), message::setCaptureTime);
    }
    event.identity().ifPresent(identity -> message.setIdentity(ProtoMapping.candidate(identity)));
    event.previous().ifPresent(previous -> message.setPreviousIdentity(ProtoMapping.candidate(previous)));
    return message.build();
  }

  private static void setCaptureTime(FrameInfo frame, java.util.function.Consumer<com.google.protobuf.Timestamp> setter) {
    if (frame.captureTime() != null) {
      setter.accept(ProtoMapping.timestamp(frame.captureTime()));
    }
  }
}
