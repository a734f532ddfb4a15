package dev.visage.server.gallery;

/**
 * A person found near a query vector.
 *
 * @param similarity cosine similarity between the query and the person's closest face, -1 to 1
 * @param faceId that closest face
 */
public record PersonMatch(String personId, String displayName, float similarity, String faceId) {}
