package dev.visage.server.gallery;

/** What is left after deleting a face: its person and how many faces they still have. */
public record FaceDeletion(String personId, int remainingFaces) {}
