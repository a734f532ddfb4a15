package dev.visage.server.bench;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/** A video's frames as JPEG files, the way a camera client would send them. */
public final class VideoFrames {

  private VideoFrames() {}

  public static List<byte[]> jpegs(Path video) throws Exception {
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    List<byte[]> frames = new ArrayList<>();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
        BytePointer jpeg = new BytePointer()) {
      grabber.start();
      for (Frame frame; (frame = grabber.grabImage()) != null; ) {
        Mat bgr = converter.convert(frame);
        imencode(".jpg", bgr, jpeg);
        byte[] bytes = new byte[(int) jpeg.limit()];
        jpeg.get(bytes);
        frames.add(bytes);
      }
      grabber.stop();
    }
    return frames;
  }
}
