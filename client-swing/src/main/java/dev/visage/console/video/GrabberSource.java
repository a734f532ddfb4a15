package dev.visage.console.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.javacv.OpenCVFrameGrabber;
import org.bytedeco.opencv.opencv_core.Mat;

/** A camera, a video file or a stream URL, read with JavaCV. */
public final class GrabberSource implements FrameSource {

  private final FrameGrabber grabber;
  private final String description;
  private final boolean paced;
  private final boolean loop;
  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
  private long startNanos;
  private long firstTimestamp = Long.MIN_VALUE;

  private GrabberSource(FrameGrabber grabber, String description, boolean paced, boolean loop) {
    this.grabber = grabber;
    this.description = description;
    this.paced = paced;
    this.loop = loop;
  }

  /** A local camera, by index (0 is the first). */
  public static GrabberSource camera(int index) {
    OpenCVFrameGrabber grabber = new OpenCVFrameGrabber(index);
    return new GrabberSource(grabber, "camera " + index, false, false);
  }

  /** A video file, played at its own frame rate, looping. */
  public static GrabberSource file(Path video) {
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
    grabber.setPixelFormat(AV_PIX_FMT_BGR24);
    return new GrabberSource(grabber, video.getFileName().toString(), true, true);
  }

  /** A network stream: RTSP, HTTP MJPEG, anything FFmpeg reads. */
  public static GrabberSource url(String url) {
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(url);
    grabber.setPixelFormat(AV_PIX_FMT_BGR24);
    grabber.setOptions(Map.of("timeout", "5000000", "rw_timeout", "5000000", "rtsp_transport", "tcp"));
    return new GrabberSource(grabber, url.replaceAll("//([^:/@]+):[^@/]*@", "//$1:***@"), false, false);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void open() throws Exception {
    grabber.start();
    startNanos = System.nanoTime();
  }

  @Override
  public Mat grab() throws Exception {
    Frame frame = nextImage();
    if (frame == null && loop && grabber instanceof FFmpegFrameGrabber file) {
      file.setTimestamp(0);
      startNanos = System.nanoTime();
      firstTimestamp = Long.MIN_VALUE;
      frame = nextImage();
    }
    if (frame == null) {
      return null;
    }
    if (paced) {
      if (firstTimestamp == Long.MIN_VALUE) {
        firstTimestamp = frame.timestamp;
      }
      long wait = startNanos + TimeUnit.MICROSECONDS.toNanos(frame.timestamp - firstTimestamp) - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    return converter.convert(frame);
  }

  /** The next video frame (FFmpeg sources also carry audio, which is skipped). */
  private Frame nextImage() throws FrameGrabber.Exception {
    return grabber instanceof FFmpegFrameGrabber ffmpeg ? ffmpeg.grabImage() : grabber.grab();
  }

  @Override
  public void close() {
    try {
      grabber.close();
    } catch (Exception ignored) {
      // Closing a source that failed to open.
    }
    converter.close();
  }
}
