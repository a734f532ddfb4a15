package dev.visage.server.vision;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Notices cuts in a video (a new shot, another camera): the frame, reduced to a 32x18 grey
 * thumbnail, differs from the previous one by more than a threshold on average. Within a shot,
 * camera motion and people moving change the thumbnail far less. One per stream; its buffers are
 * reused from frame to frame.
 */
public final class SceneChangeDetector implements AutoCloseable {

  private static final Size THUMBNAIL = new Size(32, 18);
  private static final int PIXELS = 32 * 18;

  private final float threshold;
  private final Mat small = new Mat();
  private final Mat grey = new Mat();
  private byte[] previous = new byte[PIXELS];
  private byte[] current = new byte[PIXELS];
  private boolean hasPrevious;

  /** @param threshold mean absolute grey-level difference (0 to 255) that makes a cut */
  public SceneChangeDetector(float threshold) {
    this.threshold = threshold;
  }

  /** Whether this frame starts a new shot (never true for the first frame). */
  public boolean isCut(BgrImage image) {
    resize(image.mat(), small, THUMBNAIL, 0, 0, INTER_AREA);
    cvtColor(small, grey, COLOR_BGR2GRAY);
    grey.data().get(current);
    boolean cut = false;
    if (hasPrevious) {
      long difference = 0;
      for (int i = 0; i < PIXELS; i++) {
        difference += Math.abs((current[i] & 0xff) - (previous[i] & 0xff));
      }
      cut = difference > threshold * PIXELS;
    }
    byte[] swap = previous;
    previous = current;
    current = swap;
    hasPrevious = true;
    return cut;
  }

  @Override
  public void close() {
    small.close();
    grey.close();
  }
}
