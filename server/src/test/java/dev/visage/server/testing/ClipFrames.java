package dev.visage.server.testing;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/** The shared video clip, decoded once per JVM: every frame as a JPEG, as a camera would send it. */
public final class ClipFrames {

  private static List<byte[]> frames;

  private ClipFrames() {}

  public static synchronized List<byte[]> jpegs() {
    if (frames == null) {
      avutil.av_log_set_level(avutil.AV_LOG_ERROR);
      List<byte[]> decoded = new ArrayList<>();
      try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(SharedData.video().toFile());
          OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
        grabber.start();
        for (Frame frame; (frame = grabber.grabImage()) != null; ) {
          Mat bgr = converter.convert(frame);
          try (BytePointer jpeg = new BytePointer()) {
            imencode(".jpg", bgr, jpeg);
            byte[] bytes = new byte[(int) jpeg.limit()];
            jpeg.get(bytes);
            decoded.add(bytes);
          }
        }
        grabber.stop();
      } catch (Exception e) {
        throw new IllegalStateException("the shared clip could not be decoded", e);
      }
      frames = List.copyOf(decoded);
    }
    return frames;
  }
}
