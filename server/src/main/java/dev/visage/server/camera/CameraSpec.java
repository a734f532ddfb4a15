package dev.visage.server.camera;

/**
 * A registered camera, as kept across restarts.
 *
 * @param threshold null for the server's default
 * @param maxFps 0 for no limit
 * @param loop for files: start again at the end
 */
public record CameraSpec(String id, String name, String url, float maxFps, Float threshold, boolean loop) {}
