package dev.visage.server.vision;

/** An axis-aligned rectangle in image pixels: left, top, width, height. */
public record Box(float x, float y, float width, float height) {

  public float area() {
    return Math.max(0f, width) * Math.max(0f, height);
  }

  /** The shorter side: how big a face is, whatever its aspect ratio. */
  public float shortSide() {
    return Math.min(width, height);
  }

  public Box scaled(float factor) {
    return new Box(x * factor, y * factor, width * factor, height * factor);
  }

  /** Intersection over union, 0 (disjoint) to 1 (identical). */
  public float iou(Box other) {
    float left = Math.max(x, other.x);
    float top = Math.max(y, other.y);
    float right = Math.min(x + width, other.x + other.width);
    float bottom = Math.min(y + height, other.y + other.height);
    if (right <= left || bottom <= top) {
      return 0f;
    }
    float intersection = (right - left) * (bottom - top);
    return intersection / (area() + other.area() - intersection);
  }
}
