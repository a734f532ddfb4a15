package dev.visage.microbench;

import dev.visage.server.vision.BgrImage;
import dev.visage.server.vision.ImageDecoder;
import dev.visage.server.vision.ImageInput;
import dev.visage.server.vision.ImageLimits;
import dev.visage.server.vision.ImageRejectedException;
import org.bytedeco.opencv.opencv_core.Mat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decoding a photo: Visage's decoder (header and size checks before decoding, EXIF orientation,
 * any depth or channel count to 8-bit BGR) against OpenCV's bare {@code imdecode} (which also
 * honours EXIF orientation).
 */
@State(Scope.Thread)
public class DecodeBenchmark {

  @Param({"obama/obama.jpg", "_group/oscar.jpg", "alex_lacamoire/alex-lacamoire.png"})
  public String photo;

  private byte[] encoded;
  private ImageDecoder decoder;

  @Setup
  public void setUp() throws ImageRejectedException {
    encoded = Fixtures.photo(photo);
    decoder = new ImageDecoder(ImageLimits.DEFAULT);
    try (BgrImage ours = decoder.decode(ImageInput.Encoded.of(encoded)); Mat reference = Fixtures.imdecodeColour(encoded)) {
      if (ours.width() != reference.cols() || ours.height() != reference.rows()) {
        throw new IllegalStateException(photo + ": Visage decodes " + ours.width() + "x" + ours.height() + ", OpenCV "
            + reference.cols() + "x" + reference.rows() + "; the two sides would not do the same work");
      }
    }
  }

  @Benchmark
  public int visage() throws ImageRejectedException {
    try (BgrImage image = decoder.decode(ImageInput.Encoded.of(encoded))) {
      return image.width();
    }
  }

  @Benchmark
  public int opencv() {
    try (Mat image = Fixtures.imdecodeColour(encoded)) {
      return image.cols();
    }
  }
}
