package dev.visage.server.gallery;

/**
 * The gallery could not read or save a change because of its storage (disk full, directory not
 * writable, I/O error). A failed change leaves nothing behind: the gallery is as it was before.
 */
public final class GalleryStorageException extends RuntimeException {
  public GalleryStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
