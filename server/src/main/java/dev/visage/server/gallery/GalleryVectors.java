package dev.visage.server.gallery;

/** The checks every gallery makes of a vector before it stores or searches with it. */
public final class GalleryVectors {

  private GalleryVectors() {}

  /** @throws IllegalArgumentException unless the vector has {@code dimension} finite values and unit length */
  public static void check(float[] vector, int dimension) {
    if (vector.length != dimension) {
      throw new IllegalArgumentException("vectors in this gallery have " + dimension + " values, got " + vector.length);
    }
    double norm = 0;
    for (float v : vector) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("a vector holds a value that is not a finite number");
      }
      norm += v * v;
    }
    if (Math.abs(norm - 1.0) > 1e-3) {
      throw new IllegalArgumentException("gallery vectors must have unit length; this one has " + Math.sqrt(norm));
    }
  }

  /** Lucene scores a dot-product match as (1 + cosine) / 2; this undoes it. */
  public static float similarity(float luceneScore) {
    return 2f * luceneScore - 1f;
  }
}
