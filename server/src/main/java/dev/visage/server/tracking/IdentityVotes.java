package dev.visage.server.tracking;

import dev.visage.server.gallery.PersonMatch;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A track's identity as the majority of its latest embeddings' verdicts: each embedding votes for
 * the person it matched, or for "unknown". A single unlucky frame cannot flip the name; a tie keeps
 * the current identity.
 */
final class IdentityVotes {

  private static final String UNKNOWN = "";

  private final int window;
  private final Deque<Optional<PersonMatch>> votes = new ArrayDeque<>();
  private Optional<PersonMatch> identity = Optional.empty();

  IdentityVotes(int window) {
    this.window = window;
  }

  /** Adds a verdict (empty for unknown) and returns the identity after the vote. */
  Optional<PersonMatch> add(Optional<PersonMatch> verdict) {
    votes.addLast(verdict);
    if (votes.size() > window) {
      votes.removeFirst();
    }
    Map<String, Integer> counts = new HashMap<>();
    Map<String, PersonMatch> best = new HashMap<>();
    for (Optional<PersonMatch> vote : votes) {
      String key = vote.map(PersonMatch::personId).orElse(UNKNOWN);
      counts.merge(key, 1, Integer::sum);
      vote.ifPresent(match -> best.merge(key, match, (a, b) -> a.similarity() >= b.similarity() ? a : b));
    }
    String current = identity.map(PersonMatch::personId).orElse(UNKNOWN);
    String winner = current;
    int winnerVotes = counts.getOrDefault(current, 0);
    for (Map.Entry<String, Integer> count : counts.entrySet()) {
      if (count.getValue() > winnerVotes) {
        winner = count.getKey();
        winnerVotes = count.getValue();
      }
    }
    identity = winner.equals(UNKNOWN) ? Optional.empty() : Optional.of(best.get(winner));
    return identity;
  }

  Optional<PersonMatch> identity() {
    return identity;
  }

  /** The share of the votes that agree with the identity, 0 to 1. */
  float confidence() {
    if (votes.isEmpty()) {
      return 0f;
    }
    String key = identity.map(PersonMatch::personId).orElse(UNKNOWN);
    long agreeing = votes.stream().filter(v -> v.map(PersonMatch::personId).orElse(UNKNOWN).equals(key)).count();
    return (float) agreeing / votes.size();
  }
}
