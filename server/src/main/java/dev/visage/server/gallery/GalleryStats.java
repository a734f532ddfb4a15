package dev.visage.server.gallery;

public record GalleryStats(long persons, long faces) {}
