package dev.visage.server.gallery;

/**
 * The gallery on disk was enrolled with another embedding model (or vector length) than the one
 * the server runs: its vectors cannot be compared with new ones.
 */
public final class GalleryModelMismatchException extends RuntimeException {
  public GalleryModelMismatchException(String message) {
    super(message);
  }
}
