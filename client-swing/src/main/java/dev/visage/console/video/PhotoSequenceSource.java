package dev.visage.console.video;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.opencv_core.Mat;

/** Photos shown one after another at a steady rate, looping: a stand-in camera for demos and tests. */
public final class PhotoSequenceSource implements FrameSource {

  private final List<Path> photos;
  private final double fps;
  private final List<Mat> frames = new ArrayList<>();
  private int next;
  private long nextDue;

  public PhotoSequenceSource(List<Path> photos, double fps) {
    if (photos.isEmpty()) {
      throw new IllegalArgumentException("a photo sequence needs at least one photo");
    }
    this.photos = List.copyOf(photos);
    this.fps = fps;
  }

  @Override
  public String describe() {
    return photos.size() == 1 ? photos.get(0).getFileName().toString() : photos.size() + " photos";
  }

  @Override
  public void open() {
    for (Path photo : photos) {
      Mat frame = imread(photo.toString(), IMREAD_COLOR);
      if (frame.empty()) {
        throw new IllegalArgumentException(photo + " is not an image the console can read");
      }
      frames.add(frame);
    }
    nextDue = System.nanoTime();
  }

  @Override
  public Mat grab() throws InterruptedException {
    long wait = nextDue - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
    nextDue += (long) (1e9 / fps);
    Mat frame = frames.get(next);
    next = (next + 1) % frames.size();
    return frame;
  }

  @Override
  public void close() {
    frames.forEach(Mat::close);
    frames.clear();
  }
}
