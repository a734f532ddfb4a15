package dev.visage.server.testing;

import java.util.Random;

/** Random unit vectors, and unit vectors at a chosen cosine from another, for gallery tests. */
public final class UnitVectors {

  private final Random random;
  private final int dimension;

  public UnitVectors(long seed, int dimension) {
    this.random = new Random(seed);
    this.dimension = dimension;
  }

  public float[] random() {
    float[] vector = new float[dimension];
    double norm = 0;
    for (int i = 0; i < dimension; i++) {
      vector[i] = (float) random.nextGaussian();
      norm += vector[i] * vector[i];
    }
    for (int i = 0; i < dimension; i++) {
      vector[i] /= (float) Math.sqrt(norm);
    }
    return vector;
  }

  /** A unit vector at cosine similarity {@code cosine} from the unit vector {@code base}. */
  public float[] near(float[] base, double cosine) {
    float[] other = random();
    double dot = 0;
    for (int i = 0; i < dimension; i++) {
      dot += other[i] * base[i];
    }
    float[] orthogonal = new float[dimension];
    double norm = 0;
    for (int i = 0; i < dimension; i++) {
      orthogonal[i] = (float) (other[i] - dot * base[i]);
      norm += orthogonal[i] * orthogonal[i];
    }
    float[] result = new float[dimension];
    double sine = Math.sqrt(1 - cosine * cosine);
    for (int i = 0; i < dimension; i++) {
      result[i] = (float) (cosine * base[i] + sine * orthogonal[i] / Math.sqrt(norm));
    }
    return result;
  }

  public static float dot(float[] a, float[] b) {
    float sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }
}
