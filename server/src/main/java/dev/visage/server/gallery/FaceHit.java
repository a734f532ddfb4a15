package dev.visage.server.gallery;

/** A face near a query vector: its id, its person, and the cosine similarity. */
public record FaceHit(String faceId, String personId, float similarity) {}
