package dev.visage.server.camera;

import dev.visage.server.recognition.InvalidRequestException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a camera URL means to FFmpeg: a network stream (rtsp, rtmp, http, https), a video file
 * (file:), or a local capture device (device:///dev/video0).
 */
record CameraUrl(Kind kind, String source) {

  enum Kind { NETWORK, FILE, DEVICE }

  /** @throws InvalidRequestException for a URL that is none of the supported kinds */
  static CameraUrl parse(String url) {
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new InvalidRequestException("url " + quote(url) + " is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    return switch (scheme) {
      case "rtsp", "rtsps", "rtmp", "http", "https" -> new CameraUrl(Kind.NETWORK, uri.toString());
      case "file" -> {
        Path path = Path.of(uri);
        if (!Files.isRegularFile(path)) {
          throw new InvalidRequestException("url " + quote(url) + ": there is no file at " + path + " on the server");
        }
        yield new CameraUrl(Kind.FILE, path.toString());
      }
      case "device" -> new CameraUrl(Kind.DEVICE, uri.getPath());
      default -> throw new InvalidRequestException("url " + quote(url) + " is not a camera source: use rtsp://, http(s)://, "
          + "file:///path/to/video or device:///dev/video0");
    };
  }

  /** The URL with any password replaced by ***, for showing. */
  static String masked(String url) {
    try {
      URI uri = new URI(url);
      String userInfo = uri.getRawUserInfo();
      if (userInfo == null || !userInfo.contains(":")) {
        return url;
      }
      String user = userInfo.substring(0, userInfo.indexOf(':'));
      return url.replace(userInfo + "@", user + ":***@");
    } catch (URISyntaxException e) {
      return url;
    }
  }

  private static String quote(String url) {
    String shown = masked(url);
    return "'" + (shown.length() > 120 ? shown.substring(0, 120) + "..." : shown) + "'";
  }
}
