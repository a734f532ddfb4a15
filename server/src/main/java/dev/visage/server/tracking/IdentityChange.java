package dev.visage.server.tracking;

import dev.visage.server.gallery.PersonMatch;
import java.util.Optional;

/** What an embedding's vote did to a track's identity. */
public record IdentityChange(Kind kind, Optional<PersonMatch> before, Optional<PersonMatch> after) {

  public enum Kind {
    /** The identity is what it was. */
    NONE,
    /** The track was named for the first time. */
    IDENTIFIED,
    /** A track that had been named changed: to another person, or back to unknown. */
    CHANGED
  }
}
