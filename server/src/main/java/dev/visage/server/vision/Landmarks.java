package dev.visage.server.vision;

import java.util.Arrays;

/**
 * The five facial landmarks in image pixels, in the detector's order: right eye, left eye, nose
 * tip, right mouth corner, left mouth corner ("right" being the person's own right).
 */
public final class Landmarks {

  public static final int COUNT = 5;
  public static final int RIGHT_EYE = 0;
  public static final int LEFT_EYE = 1;
  public static final int NOSE_TIP = 2;
  public static final int RIGHT_MOUTH_CORNER = 3;
  public static final int LEFT_MOUTH_CORNER = 4;

  private final float[] xy;

  /** @param xy ten values: x0, y0, x1, y1, ... (copied) */
  public Landmarks(float[] xy) {
    if (xy.length != 2 * COUNT) {
      throw new IllegalArgumentException("5 landmarks need 10 coordinates, got " + xy.length);
    }
    this.xy = xy.clone();
  }

  public float x(int point) {
    return xy[2 * point];
  }

  public float y(int point) {
    return xy[2 * point + 1];
  }

  public Landmarks scaled(float factor) {
    float[] scaled = xy.clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] *= factor;
    }
    return new Landmarks(scaled);
  }

  /** A copy of the ten coordinates. */
  public float[] toArray() {
    return xy.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Landmarks other && Arrays.equals(xy, other.xy);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(xy);
  }

  @Override
  public String toString() {
    return "Landmarks" + Arrays.toString(xy);
  }
}
