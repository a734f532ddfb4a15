package dev.visage.server.recognition;

import dev.visage.server.gallery.PersonMatch;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a face is someone: only when the nearest person's similarity reaches the
 * threshold. Below it the face is unknown, however close the nearest stranger is.
 *
 * @param defaultThreshold the embedding model's calibrated cosine similarity threshold
 */
public record MatchPolicy(float defaultThreshold) {

  public MatchPolicy {
    if (!(defaultThreshold >= -1f && defaultThreshold <= 1f)) {
      throw new IllegalArgumentException("a similarity threshold lies between -1 and 1, got " + defaultThreshold);
    }
  }

  /** The threshold to apply: the request's own when it set one, else the default. */
  public float thresholdFor(Float requested) {
    if (requested == null) {
      return defaultThreshold;
    }
    if (!(requested >= -1f && requested <= 1f)) {
      throw new InvalidRequestException("threshold is a cosine similarity between -1 and 1, got " + requested);
    }
    return requested;
  }

  /**
   * @param candidates nearest persons, best first
   * @return the best candidate if it reaches the threshold; empty means "unknown"
   */
  public Optional<PersonMatch> decide(List<PersonMatch> candidates, float threshold) {
    if (candidates.isEmpty() || candidates.get(0).similarity() < threshold) {
      return Optional.empty();
    }
    return Optional.of(candidates.get(0));
  }

  public boolean isMatch(float similarity, float threshold) {
    return similarity >= threshold;
  }
}
