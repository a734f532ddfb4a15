package dev.visage.server.vision;

/**
 * A 2-D similarity transform (rotation, uniform scale, translation) fitted by least squares, as
 * Umeyama's method gives it for points in the plane without reflection:
 *
 * <pre>
 *   x' = a x - b y + tx
 *   y' = b x + a y + ty
 * </pre>
 *
 * With both point sets centred, a = sum(p.q) / sum(|p|^2) and b = sum(p x q) / sum(|p|^2).
 */
public record SimilarityTransform(double a, double b, double tx, double ty) {

  /**
   * Fits the transform that maps {@code from} onto {@code to} best in the least-squares sense.
   *
   * @param from source points, x0, y0, x1, y1, ...
   * @param to target points, same count
   */
  public static SimilarityTransform fit(float[] from, float[] to) {
    if (from.length != to.length || from.length < 4 || from.length % 2 != 0) {
      throw new IllegalArgumentException("need the same number (at least 2) of source and target points");
    }
    int n = from.length / 2;
    double fromX = 0, fromY = 0, toX = 0, toY = 0;
    for (int i = 0; i < n; i++) {
      fromX += from[2 * i];
      fromY += from[2 * i + 1];
      toX += to[2 * i];
      toY += to[2 * i + 1];
    }
    fromX /= n;
    fromY /= n;
    toX /= n;
    toY /= n;

    double dot = 0, cross = 0, norm = 0;
    for (int i = 0; i < n; i++) {
      double px = from[2 * i] - fromX;
      double py = from[2 * i + 1] - fromY;
      double qx = to[2 * i] - toX;
      double qy = to[2 * i + 1] - toY;
      dot += px * qx + py * qy;
      cross += px * qy - py * qx;
      norm += px * px + py * py;
    }
    if (norm == 0) {
      throw new IllegalArgumentException("the source points all coincide");
    }
    double a = dot / norm;
    double b = cross / norm;
    return new SimilarityTransform(a, b, toX - (a * fromX - b * fromY), toY - (b * fromX + a * fromY));
  }

  /** The 2x3 affine matrix, row by row, as OpenCV's warpAffine takes it. */
  public double[] toAffineRows() {
    return new double[] {a, -b, tx, b, a, ty};
  }

  public double scale() {
    return Math.hypot(a, b);
  }

  public float[] apply(float x, float y) {
    return new float[] {(float) (a * x - b * y + tx), (float) (b * x + a * y + ty)};
  }
}
