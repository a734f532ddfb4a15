package dev.visage.server.camera;

import java.util.ArrayDeque;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A few frame buffers passed between a camera's reading thread and the frame processing, reused
 * so that a steady stream of frames allocates nothing. Thread-safe.
 */
final class MatPool implements AutoCloseable {

  private static final int KEEP = 3;
  private final ArrayDeque<Mat> free = new ArrayDeque<>();
  private boolean closed;

  synchronized Mat acquire() {
    Mat mat = free.poll();
    return mat != null ? mat : new Mat();
  }

  synchronized void release(Mat mat) {
    if (closed || free.size() >= KEEP) {
      mat.close();
    } else {
      free.push(mat);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    free.forEach(Mat::close);
    free.clear();
  }
}
