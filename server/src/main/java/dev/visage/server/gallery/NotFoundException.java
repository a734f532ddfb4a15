package dev.visage.server.gallery;

/** A person or face id that is not in the gallery (never was, or was deleted). */
public final class NotFoundException extends RuntimeException {

  public NotFoundException(String what, String id) {
    super("no " + what + " with id '" + id + "' in the gallery (it may have been deleted)");
  }
}
