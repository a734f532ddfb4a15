package dev.visage.server.vision;

/** An image the server will not or cannot use. The message tells the sender what to change. */
public final class ImageRejectedException extends Exception {

  /** Why an image was refused. */
  public enum Reason {
    /** Not a JPEG, PNG, BMP or WebP file. */
    UNSUPPORTED_FORMAT,
    /** Recognised, but it could not be decoded. */
    CORRUPT,
    /** More bytes or pixels than the limits allow. */
    TOO_LARGE,
    /** Raw pixels whose size does not match their declared width, height and format. */
    BAD_RAW_LAYOUT
  }

  private final Reason reason;

  public ImageRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
