package dev.visage.server.tracking;

import dev.visage.server.gallery.PersonMatch;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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
    identity = tally();
    return identity;
  }

  /**
   * Brings the votes up to date with the gallery: a vote for a person who no longer exists counts
   * as unknown, and a renamed person's votes carry the new name. Returns the identity afterwards.
   *
   * @param currentName a person's current name, or empty when the person is gone
   */
  Optional<PersonMatch> revalidate(Function<String, Optional<String>> currentName) {
    Map<String, Optional<String>> names = new HashMap<>();
    Function<Optional<PersonMatch>, Optional<PersonMatch>> refresh = vote -> vote.flatMap(match ->
        names.computeIfAbsent(match.personId(), currentName)
            .map(name -> new PersonMatch(match.personId(), name, match.similarity(), match.faceId())));
    List<Optional<PersonMatch>> refreshed = votes.stream().map(refresh).toList();
    votes.clear();
    votes.addAll(refreshed);
    identity = refresh.apply(identity);
    identity = tally();
    return identity;
  }

  /** The majority of the votes; a tie keeps the current identity. */
  private Optional<PersonMatch> tally() {
    Map<String, Integer> counts = new HashMap<>();
    Map<String, PersonMatch> best = new HashMap<>();
    for (Optional<PersonMatch> vote : votes) {
      String key = key(vote);
      counts.merge(key, 1, Integer::sum);
      vote.ifPresent(match -> best.merge(key, match, (a, b) -> a.similarity() >= b.similarity() ? a : b));
    }
    String winner = key(identity);
    int winnerVotes = counts.getOrDefault(winner, 0);
    for (Map.Entry<String, Integer> count : counts.entrySet()) {
      if (count.getValue() > winnerVotes) {
        winner = count.getKey();
        winnerVotes = count.getValue();
      }
    }
    return winner.equals(UNKNOWN) ? Optional.empty() : Optional.of(best.get(winner));
  }

  private static String key(Optional<PersonMatch> vote) {
    return vote.map(PersonMatch::personId).orElse(UNKNOWN);
  }

  Optional<PersonMatch> identity() {
    return identity;
  }

  /** The share of the votes that agree with the identity, 0 to 1. */
  float confidence() {
    if (votes.isEmpty()) {
      return 0f;
    }
    String current = key(identity);
    long agreeing = votes.stream().filter(vote -> key(vote).equals(current)).count();
    return (float) agreeing / votes.size();
  }
}
