package dev.visage.server.tracking;

/**
 * How faces are followed from frame to frame and when they are embedded again.
 *
 * @param minIou a detection continues a track when it overlaps the track's predicted box by at
 *     least this IoU
 * @param maxMissedFrames a track not seen for more than this many processed frames ends
 * @param reembedIntervalFrames a track is embedded again after this many processed frames, even if
 *     its face has not improved
 * @param maxVotes the identity is voted over at most this many of the track's latest embeddings
 * @param minEmbedSize faces smaller than this (box's shorter side, px) are tracked but not embedded
 *     until they grow: their vectors are too unreliable to vote
 * @param splitSimilarity a new embedding less similar than this to a track's earlier ones means
 *     another person took its place (people crossing): the track ends and a new one starts
 * @param cutThreshold a frame differing from the previous one by more than this (mean grey level,
 *     0 to 255, on a thumbnail) is a new shot: every track ends
 */
public record TrackingSettings(float minIou, int maxMissedFrames, int reembedIntervalFrames, int maxVotes,
    float minEmbedSize, float splitSimilarity, float cutThreshold) {

  public static final TrackingSettings DEFAULT = new TrackingSettings(0.3f, 15, 30, 16, 24f, 0.2f, 20f);

  public TrackingSettings {
    if (!(minIou > 0f && minIou < 1f)) {
      throw new IllegalArgumentException("the tracking IoU lies strictly between 0 and 1, got " + minIou);
    }
    if (maxMissedFrames < 0 || reembedIntervalFrames < 1 || maxVotes < 1 || minEmbedSize < 1) {
      throw new IllegalArgumentException("tracking settings must be positive");
    }
  }
}
