package dev.visage.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Hand-built PNG files, for inputs no encoder would produce (decompression bombs). */
public final class PngFiles {

  private PngFiles() {}

  /**
   * A PNG that declares {@code width x height} 8-bit RGB pixels in its header but carries only a
   * few bytes of compressed data: tiny on the wire, enormous once decoded.
   */
  public static byte[] bomb(int width, int height) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream(); DataOutputStream data = new DataOutputStream(out)) {
      data.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      ByteArrayOutputStream header = new ByteArrayOutputStream();
      DataOutputStream h = new DataOutputStream(header);
      h.writeInt(width);
      h.writeInt(height);
      h.writeByte(8); // bit depth
      h.writeByte(2); // colour type: RGB
      h.writeByte(0);
      h.writeByte(0);
      h.writeByte(0);
      chunk(data, "IHDR", header.toByteArray());
      Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
      deflater.setInput(new byte[4096]);
      deflater.finish();
      byte[] compressed = new byte[8192];
      int length = deflater.deflate(compressed);
      chunk(data, "IDAT", java.util.Arrays.copyOf(compressed, length));
      chunk(data, "IEND", new byte[0]);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void chunk(DataOutputStream out, String type, byte[] payload) throws IOException {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(payload.length);
    out.write(typeBytes);
    out.write(payload);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(payload);
    out.writeInt((int) crc.getValue());
  }
}
