package dev.visage.server.live;

import dev.visage.server.gallery.PersonMatch;
import java.util.Optional;

/**
 * Something that happened to a track, in the frame {@code frame}.
 *
 * @param identity the identity after the event
 * @param previous for {@link Type#IDENTITY_CHANGED}, the identity before
 */
public record LiveEvent(Type type, long trackId, FrameInfo frame, Optional<PersonMatch> identity,
    Optional<PersonMatch> previous, int embeddings, int framesSeen) {

  public enum Type { STARTED, IDENTIFIED, IDENTITY_CHANGED, ENDED }
}
