package dev.visage.server.recognition;

import dev.visage.server.inference.EmbeddingBatcher;
import dev.visage.server.inference.FaceDetection;
import dev.visage.server.inference.YuNetDetector;
import dev.visage.server.metrics.Metrics;
import dev.visage.server.vision.AlignedFace;
import dev.visage.server.vision.BgrImage;
import dev.visage.server.vision.FaceAligner;
import dev.visage.server.vision.ImageDecoder;
import dev.visage.server.vision.ImageInput;
import dev.visage.server.vision.ImageRejectedException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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
  private final AtomicInteger openImages;

  /** @param openImages counts the images open in the pipeline (the batcher reads it) */
  public FacePipeline(ImageDecoder decoder, YuNetDetector detector, FaceAligner aligner, EmbeddingBatcher embedder,
      AtomicInteger openImages) {
    this.decoder = decoder;
    this.detector = detector;
    this.aligner = aligner;
    this.embedder = embedder;
    this.openImages = openImages;
  }

  public float defaultMinDetectionScore() {
    return detector.settings().scoreThreshold();
  }

  /** Decodes an image. Close the result to free its pixels. */
  public Image open(ImageInput input) throws ImageRejectedException {
    long started = System.nanoTime();
    Image image = new Image(decoder.decode(input), true);
    Metrics.stage("decode", started);
    return image;
  }

  /** Images opened and not yet closed: requests on their way through the pipeline. */
  public int openImages() {
    return openImages.get();
  }

  /** Runs already decoded pixels (a camera frame) through the pipeline; closing leaves them to the caller. */
  public Image borrow(BgrImage pixels) {
    return new Image(pixels, false);
  }

  /** A decoded image on its way through the pipeline. */
  public final class Image implements AutoCloseable {
    private final BgrImage pixels;
    private final boolean owned;

    private Image(BgrImage pixels, boolean owned) {
      this.pixels = pixels;
      this.owned = owned;
      openImages.incrementAndGet();
    }

    /** The decoded pixels, valid until the image is closed. */
    public BgrImage pixels() {
      return pixels;
    }

    public int width() {
      return pixels.width();
    }

    public int height() {
      return pixels.height();
    }

    /** Faces scoring at least {@code minScore}, largest first. */
    public List<FaceDetection> detect(float minScore) throws InterruptedException {
      long started = System.nanoTime();
      List<FaceDetection> faces = new ArrayList<>(detector.detect(pixels, minScore));
      Metrics.stage("detect", started);
      faces.sort(LARGEST_FIRST);
      return faces;
    }

    /** Unit-length embeddings of the given faces of this image, in order. */
    public List<float[]> embed(List<FaceDetection> faces) throws InterruptedException {
      long started = System.nanoTime();
      List<AlignedFace> aligned = new ArrayList<>(faces.size());
      for (FaceDetection face : faces) {
        aligned.add(aligner.align(pixels, face.landmarks()));
      }
      long embedding = System.nanoTime();
      Metrics.stage("align", started);
      List<float[]> vectors = embedder.embed(aligned);
      Metrics.stage("embed", embedding);
      return vectors;
    }

    @Override
    public void close() {
      openImages.decrementAndGet();
      if (owned) {
        pixels.close();
      }
    }
  }
}
