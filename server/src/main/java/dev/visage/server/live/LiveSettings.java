package dev.visage.server.live;

import dev.visage.server.tracking.TrackingSettings;
import java.time.Duration;

/**
 * Server-wide settings of live recognition (client streams and cameras).
 *
 * @param maxStreams Recognize streams beyond this many at once are refused
 * @param configTimeout a stream whose configuration has not arrived by then is closed
 * @param defaultMinDetectionScore streams' default detection threshold: lower than for photos,
 *     because video frames are smaller and blurrier and a face must persist across frames to count
 * @param workers threads processing frames for all streams and cameras together
 */
public record LiveSettings(
    int maxStreams, Duration configTimeout, float defaultMinDetectionScore, int workers, TrackingSettings tracking) {

  public LiveSettings {
    if (maxStreams < 1 || workers < 1) {
      throw new IllegalArgumentException("live streams and workers must be at least 1");
    }
  }
}
