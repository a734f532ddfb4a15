package dev.visage.server.models;

import java.util.List;

/**
 * One model of the manifest ({@code models/manifest.json}): where its file comes from, how to
 * check it, and how its input tensor must be prepared.
 *
 * @param id short stable name, such as {@code mobilefacenet}
 * @param role what the server uses it for: {@code detector}, {@code embedder}, or
 *     {@code reference-detector} (OpenCV's reference, used by tests and benchmarks only)
 * @param description a line for people
 * @param file the file name in the model directory and in mirrors
 * @param url the source, pinned to a commit
 * @param sha256 the file's SHA-256, lower-case hex
 * @param size the file's size in bytes
 * @param license the model's licence
 * @param input how to build the input tensor
 * @param output the output tensor, for embedders
 * @param threshold for embedders, the default cosine similarity needed for a match
 */
public record ModelSpec(
    String id,
    String role,
    String description,
    String file,
    String url,
    String sha256,
    long size,
    String license,
    InputSpec input,
    OutputSpec output,
    Float threshold) {

  /** The id that travels with every vector: the name and the first 8 hex digits of the hash. */
  public String versionedId() {
    return id + "@" + sha256.substring(0, 8);
  }

  /**
   * How pixels become the input tensor: {@code value = (pixel * scale - mean[c]) / std[c]}, channels
   * in {@code colorOrder}.
   *
   * @param width fixed input width, or 0 when dynamic
   * @param height fixed input height, or 0 when dynamic
   * @param sizeDivisor a dynamic input's width and height must be multiples of this
   */
  public record InputSpec(
      String tensor,
      String layout,
      String colorOrder,
      float scale,
      List<Float> mean,
      List<Float> std,
      int width,
      int height,
      int sizeDivisor) {

    public boolean rgb() {
      return "RGB".equals(colorOrder);
    }
  }

  /** @param dimension the length of the output vector */
  public record OutputSpec(String tensor, int dimension) {}
}
