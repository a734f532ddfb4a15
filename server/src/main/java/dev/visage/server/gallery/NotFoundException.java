package dev.visage.server.gallery;

/** An id that names nothing (a person, a face, a camera): it never existed, or was deleted. */
public final class NotFoundException extends RuntimeException {

  public NotFoundException(String what, String id) {
    super("no " + what + " with id '" + id + "' (it may have been deleted)");
  }
}
