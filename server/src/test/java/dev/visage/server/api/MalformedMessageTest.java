package dev.visage.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.GetServerInfoRequest;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.server.testing.TestServer;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bytes that are not a valid request message are the client's error, not the server's. */
class MalformedMessageTest {

  @TempDir
  static Path data;

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(data);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private static StatusRuntimeException send(MethodDescriptor<?, ?> method, byte[] body) {
    MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(method.getFullMethodName())
        .setRequestMarshaller(RAW)
        .setResponseMarshaller(RAW)
        .build();
    return assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
        server.channel(), raw, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), body));
  }

  @Test
  void garbageBytesAreInvalidArgument() {
    StatusRuntimeException error = send(RecognitionServiceGrpc.getIdentifyMethod(), new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
    assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode(), error.getStatus().toString());
    assertTrue(error.getStatus().getDescription().contains("IdentifyRequest"), error.getStatus().getDescription());
  }

  @Test
  void invalidUtf8InAStringFieldIsInvalidArgument() {
    // EnrollRequest field 2 (display_name), length 2, bytes that are not UTF-8.
    StatusRuntimeException error = send(GalleryServiceGrpc.getEnrollMethod(), new byte[] {0x12, 0x02, (byte) 0xc3, 0x28});
    assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode(), error.getStatus().toString());
  }

  @Test
  void theServerCarriesOn() {
    send(RecognitionServiceGrpc.getIdentifyMethod(), new byte[] {(byte) 0xff});
    assertTrue(server.recognition().getServerInfo(GetServerInfoRequest.getDefaultInstance()).getFaceCount() >= 0);
  }
}
