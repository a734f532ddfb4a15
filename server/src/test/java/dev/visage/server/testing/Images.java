package dev.visage.server.testing;

import com.google.protobuf.ByteString;
import dev.visage.api.v1.Image;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds API images from the shared photos. */
public final class Images {

  private Images() {}

  public static Image encoded(Path file) {
    try {
      return Image.newBuilder().setEncoded(ByteString.copyFrom(Files.readAllBytes(file))).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Image encoded(String relative) {
    return encoded(SharedData.photo(relative));
  }

  public static Image encoded(byte[] bytes) {
    return Image.newBuilder().setEncoded(ByteString.copyFrom(bytes)).build();
  }
}
