package dev.visage.server.recognition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.gallery.PersonMatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatchPolicyTest {

  private final MatchPolicy policy = new MatchPolicy(0.4f);
  private final PersonMatch alice = new PersonMatch("a", "Alice", 0.55f, "fa");
  private final PersonMatch bob = new PersonMatch("b", "Bob", 0.39f, "fb");

  @Test
  void theNearestPersonIsNamedOnlyAtOrAboveTheThreshold() {
    assertEquals(alice, policy.decide(List.of(alice, bob), 0.4f).orElseThrow());
    assertEquals(alice, policy.decide(List.of(alice), 0.55f).orElseThrow());
    assertTrue(policy.decide(List.of(bob), 0.4f).isEmpty(), "a stranger below the threshold is unknown");
    assertTrue(policy.decide(List.of(), 0.4f).isEmpty(), "an empty gallery knows nobody");
  }

  @Test
  void requestsMayRaiseOrLowerTheThresholdWithinRange() {
    assertEquals(0.4f, policy.thresholdFor(null));
    assertEquals(0.7f, policy.thresholdFor(0.7f));
    assertEquals(-1f, policy.thresholdFor(-1f));
    assertThrows(InvalidRequestException.class, () -> policy.thresholdFor(1.5f));
    assertThrows(InvalidRequestException.class, () -> policy.thresholdFor(Float.NaN));
  }
}
