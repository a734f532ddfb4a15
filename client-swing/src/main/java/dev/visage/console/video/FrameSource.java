package dev.visage.console.video;

import org.bytedeco.opencv.opencv_core.Mat;

/** Where live frames come from: a camera, a video file, a stream URL, a sequence of photos. */
public interface FrameSource extends AutoCloseable {

  /** For the status bar: what is being shown. */
  String describe();

  /** Opens the source; may block for a while (a network stream). */
  void open() throws Exception;

  /**
   * The next frame, 8-bit BGR, owned by the source and valid until the next call; null when the
   * source has ended. Blocks until the frame is due (files and photo sequences keep their pace).
   */
  Mat grab() throws Exception;

  @Override
  void close();
}
