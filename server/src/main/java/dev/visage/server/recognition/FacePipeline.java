package dev.visage.server.recognition;

import dev.visage.server.inference.EmbeddingBatcher;
import dev.visage.server.inference.FaceDetection;
import dev.visage.server.inference.YuNetDetector;
import dev.visage.server.vision.AlignedFace;
import dev.visage.server.vision.BgrImage;
import dev.visage.server.vision.FaceAligner;
import dev.visage.server.vision.ImageDecoder;
import dev.visage.server.vision.ImageInput;
import dev.visage.server.vision.ImageRejectedException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The path of an image through the models: decode, detect, align, embed. Callers open an image,
 * detect its faces, decide which ones they need, and embed only those.
 */
public final class FacePipeline {

  /** Largest face first; equal sizes by detection score. */
  public static final Comparator<FaceDetection> LARGEST_FIRST =
      Comparator.comparingDouble((FaceDetection f) -> -f.box().area())
          .thenComparingDouble(f -> -f.score());

  private final ImageDecoder decoder;
  private final YuNetDetector detector;
  private final FaceAligner aligner;
  private final EmbeddingBatcher embedder;

  public FacePipeline(ImageDecoder decoder, YuNetDetector detector, FaceAligner aligner, EmbeddingBatcher embedder) {
    this.decoder = decoder;
    this.detector = detector;
    this.aligner = aligner;
    this.embedder = embedder;
  }

  public float defaultMinDetectionScore() {
    return detector.settings().scoreThreshold();
  }

  public ImageDecoder decoder() {
    return decoder;
  }

  /** Decodes an image. Close the result to free its pixels. */
  public Image open(ImageInput input) throws ImageRejectedException {
    long start = System.nanoTime();
    BgrImage pixels = decoder.decode(input);
    return new Image(pixels, System.nanoTime() - start);
  }

  /** A decoded image on its way through the pipeline, with the time each stage took. */
  public final class Image implements AutoCloseable {
    private final BgrImage pixels;
    private final StageTimes times;

    private Image(BgrImage pixels, long decodeNanos) {
      this.pixels = pixels;
      this.times = new StageTimes();
      times.decodeNanos = decodeNanos;
    }

    public int width() {
      return pixels.width();
    }

    public int height() {
      return pixels.height();
    }

    public StageTimes times() {
      return times;
    }

    /** Faces scoring at least {@code minScore}, largest first. */
    public List<FaceDetection> detect(float minScore) throws InterruptedException {
      long start = System.nanoTime();
      List<FaceDetection> faces = new ArrayList<>(detector.detect(pixels, minScore));
      faces.sort(LARGEST_FIRST);
      times.detectNanos += System.nanoTime() - start;
      return faces;
    }

    /** Unit-length embeddings of the given faces of this image, in order. */
    public List<float[]> embed(List<FaceDetection> faces) throws InterruptedException {
      long start = System.nanoTime();
      List<AlignedFace> aligned = new ArrayList<>(faces.size());
      for (FaceDetection face : faces) {
        aligned.add(aligner.align(pixels, face.landmarks()));
      }
      long aligning = System.nanoTime();
      times.alignNanos += aligning - start;
      List<float[]> vectors = embedder.embed(aligned);
      times.embedNanos += System.nanoTime() - aligning;
      return vectors;
    }

    @Override
    public void close() {
      pixels.close();
    }
  }

  /** Nanoseconds spent in each stage for one image. */
  public static final class StageTimes {
    public long decodeNanos;
    public long detectNanos;
    public long alignNanos;
    public long embedNanos;
  }
}
