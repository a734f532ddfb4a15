package dev.visage.console.video;

import java.awt.image.BufferedImage;

/**
 * Three images handed between the thread that composes frames and the Swing thread that paints
 * them, so that neither ever waits for the other or touches an image the other is using: the
 * producer draws into the back image and publishes it; the painter takes the newest published one.
 */
public final class TripleBuffer {

  private BufferedImage back;
  private BufferedImage ready;
  private BufferedImage front;
  private boolean fresh;

  /** An image to draw the next frame into, of the given size (reused when it fits). */
  public synchronized BufferedImage back(int width, int height) {
    if (back == null || back.getWidth() != width || back.getHeight() != height) {
      back = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    }
    return back;
  }

  /** Publishes the back image as the newest frame. */
  public synchronized void publish() {
    BufferedImage drawn = back;
    back = ready;
    ready = drawn;
    fresh = true;
  }

  /** The newest published frame for painting, or the one painted last when nothing is new. */
  public synchronized BufferedImage front() {
    if (fresh) {
      BufferedImage painted = front;
      front = ready;
      ready = painted;
      fresh = false;
    }
    return front;
  }
}
