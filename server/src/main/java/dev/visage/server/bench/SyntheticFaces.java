package dev.visage.server.bench;

import java.util.List;
import java.util.Random;

/**
 * Face vectors for gallery benchmarks, shaped like real embeddings: each synthetic identity's
 * centre is half a random mix of three real identities' embeddings and half a random direction,
 * and each of its faces is the centre plus noise sized so that two faces of one identity have the
 * cosine similarity real photos of one person have (about 0.7), while different identities stay as
 * unrelated as real strangers (about 0). {@link #describe} measures both so the report can show
 * them next to the real figures.
 */
public final class SyntheticFaces {

  private final List<float[]> real;
  private final int dimension;
  private final long seed;
  private final double noise;

  /**
   * @param real unit-length embeddings of real faces
   * @param noise the length of the noise added to a centre; 0.64 gives two faces of one identity a
   *     cosine of about 1 / (1 + 0.64^2) = 0.71
   */
  public SyntheticFaces(List<float[]> real, long seed, double noise) {
    this.real = List.copyOf(real);
    this.dimension = real.get(0).length;
    this.seed = seed;
    this.noise = noise;
  }

  /** The centre of identity {@code id}: always the same for the same id. */
  public float[] centre(int id) {
    Random random = new Random(seed * 1_000_003L + id);
    float[] mix = new float[dimension];
    for (int k = 0; k < 3; k++) {
      float[] part = real.get(random.nextInt(real.size()));
      float weight = random.nextFloat();
      for (int d = 0; d < dimension; d++) {
        mix[d] += weight * part[d];
      }
    }
    normalise(mix);
    float[] direction = gaussian(random, 1.0);
    normalise(direction);
    float[] centre = new float[dimension];
    for (int d = 0; d < dimension; d++) {
      centre[d] = 0.5f * mix[d] + 0.5f * direction[d];
    }
    normalise(centre);
    return centre;
  }

  /** Face {@code n} of an identity (n = 0, 1, ... for enrolled faces; others for probes). */
  public float[] face(float[] centre, int id, int n) {
    Random random = new Random((seed * 7_919L + id) * 31L + n);
    float[] face = gaussian(random, noise / Math.sqrt(dimension));
    for (int d = 0; d < dimension; d++) {
      face[d] += centre[d];
    }
    normalise(face);
    return face;
  }

  /** Mean cosine of pairs of one identity and of different identities, over a sample. */
  public record Similarities(double genuine, double impostor) {}

  public Similarities describe(int identities) {
    double genuine = 0;
    double impostor = 0;
    for (int id = 0; id < identities; id++) {
      float[] centre = centre(id);
      float[] other = centre(id + identities);
      genuine += dot(face(centre, id, 0), face(centre, id, 1));
      impostor += dot(face(centre, id, 0), face(other, id + identities, 0));
    }
    return new Similarities(genuine / identities, impostor / identities);
  }

  private float[] gaussian(Random random, double std) {
    float[] vector = new float[dimension];
    for (int d = 0; d < dimension; d++) {
      vector[d] = (float) (random.nextGaussian() * std);
    }
    return vector;
  }

  static void normalise(float[] vector) {
    double norm = 0;
    for (float v : vector) {
      norm += v * v;
    }
    float inverse = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < vector.length; i++) {
      vector[i] *= inverse;
    }
  }

  static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }
}
