package dev.visage.server.live;

/**
 * How one stream or camera is processed.
 *
 * @param maxFps frames arriving faster are skipped; 0 for no limit
 * @param embedEveryFrame embed every face of every frame (for measurements)
 */
public record LiveOptions(String name, float threshold, float minDetectionScore, float maxFps, boolean embedEveryFrame) {}
