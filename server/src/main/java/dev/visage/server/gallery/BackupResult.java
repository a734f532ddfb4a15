package dev.visage.server.gallery;

import java.nio.file.Path;

/** What a backup copied. */
public record BackupResult(Path directory, int files, long bytes, long persons, long faces) {}
