package dev.visage.server.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.visage.api.v1.Frame;
import dev.visage.api.v1.FrameKind;
import dev.visage.api.v1.FrameResult;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.PixelFormat;
import dev.visage.api.v1.RawImage;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.api.v1.RecognizeRequest;
import dev.visage.api.v1.RecognizeResponse;
import dev.visage.api.v1.StreamConfig;
import dev.visage.server.testing.ClipFrames;
import dev.visage.server.testing.Pixels;
import dev.visage.server.testing.StreamClient;
import dev.visage.server.testing.TestServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Recognize protocol: order of messages, limits, bad frames, flow control and clean-up. */
class RecognizeStreamTest {

  @TempDir
  static Path data;

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(data, "--max-streams=4", "--stream-config-timeout-seconds=1");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static LiveRecognition live() {
    return server.server().live();
  }

  /** Waits until the server holds no stream and no session any more. */
  private static void assertAllReleased() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((live().openStreams() > 0 || live().openSessions() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, live().openStreams(), "every stream slot is given back");
    assertEquals(0, live().openSessions(), "every session (tracks, buffers) is closed");
  }

  /** A raw client: sends the given messages, half-closes, returns the status and responses. */
  private static Status exchange(List<RecognizeRequest> messages, List<RecognizeResponse> received) throws Exception {
    CompletableFuture<Status> done = new CompletableFuture<>();
    StreamObserver<RecognizeRequest> requests = RecognitionServiceGrpc.newStub(server.channel()).recognize(
        new StreamObserver<>() {
          @Override
          public void onNext(RecognizeResponse value) {
            received.add(value);
          }

          @Override
          public void onError(Throwable t) {
            done.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            done.complete(Status.OK);
          }
        });
    messages.forEach(requests::onNext);
    requests.onCompleted();
    return done.get(30, TimeUnit.SECONDS);
  }

  private static RecognizeRequest config(StreamConfig.Builder config) {
    return RecognizeRequest.newBuilder().setConfig(config).build();
  }

  private static RecognizeRequest frame(long sequence) {
    return RecognizeRequest.newBuilder().setFrame(StreamClient.jpegFrame(sequence, ClipFrames.jpegs().get((int) sequence))).build();
  }

  @Test
  void framesBeforeTheConfigAndASecondConfigAreRefused() throws Exception {
    List<RecognizeResponse> received = new CopyOnWriteArrayList<>();
    Status early = exchange(List.of(frame(0)), received);
    assertEquals(Status.Code.FAILED_PRECONDITION, early.getCode());
    assertTrue(early.getDescription().contains("config"), early.getDescription());

    Status twice = exchange(List.of(config(StreamConfig.newBuilder()), config(StreamConfig.newBuilder())), received);
    assertEquals(Status.Code.FAILED_PRECONDITION, twice.getCode());

    Status empty = exchange(List.of(RecognizeRequest.getDefaultInstance()), received);
    assertEquals(Status.Code.INVALID_ARGUMENT, empty.getCode());

    Status badConfig = exchange(List.of(config(StreamConfig.newBuilder().setThreshold(3f))), received);
    assertEquals(Status.Code.INVALID_ARGUMENT, badConfig.getCode());
    assertAllReleased();
  }

  @Test
  void aStreamThatNeverConfiguresIsClosedAndFreed() throws Exception {
    CompletableFuture<Status> done = new CompletableFuture<>();
    RecognitionServiceGrpc.newStub(server.channel()).recognize(new StreamObserver<>() {
      @Override
      public void onNext(RecognizeResponse value) {}

      @Override
      public void onError(Throwable t) {
        done.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        done.complete(Status.OK);
      }
    });
    Status status = done.get(30, TimeUnit.SECONDS);
    assertEquals(Status.Code.DEADLINE_EXCEEDED, status.getCode());
    assertAllReleased();
  }

  @Test
  void aBadFrameGetsAnErrorResultAndTheStreamCarriesOn() throws Exception {
    List<RecognizeResponse> received = new CopyOnWriteArrayList<>();
    RecognizeRequest corrupt = RecognizeRequest.newBuilder().setFrame(Frame.newBuilder().setSequence(1)
        .setImage(Image.newBuilder().setEncoded(ByteString.copyFromUtf8("not a jpeg")))).build();
    RecognizeRequest wrongKind = RecognizeRequest.newBuilder().setFrame(Frame.newBuilder().setSequence(2)
        .setImage(Image.newBuilder().setRaw(RawImage.newBuilder().setWidth(2).setHeight(2)
            .setFormat(PixelFormat.PIXEL_FORMAT_GRAY8).setPixels(ByteString.copyFrom(new byte[4]))))).build();
    StreamClient client = new StreamClient(server.channel(), StreamConfig.newBuilder().setFrameKind(FrameKind.FRAME_KIND_ENCODED).build());
    client.send(corrupt.getFrame());
    FrameResult first = client.awaitResult(1);
    client.send(wrongKind.getFrame());
    FrameResult second = client.awaitResult(2);
    client.send(frame(3).getFrame());
    FrameResult third = client.awaitResult(3);
    assertEquals(Status.Code.OK, client.finish().getCode());
    assertTrue(first.getError().contains("frame 1"), first.getError());
    assertTrue(second.getError().contains("encoded"), second.getError());
    assertEquals("", third.getError());
    assertEquals(ClipFrames.jpegs().size() > 3, third.getImage().getWidth() == 640);
    assertAllReleased();
  }

  @Test
  void rawFramesAreRecognisedToo() throws Exception {
    StreamClient client = new StreamClient(server.channel(), StreamConfig.newBuilder().setFrameKind(FrameKind.FRAME_KIND_RAW).build());
    for (int i = 230; i < 235; i++) {
      try (Mat decoded = Pixels.decodeUnchanged(ClipFrames.jpegs().get(i))) {
        client.send(Frame.newBuilder().setSequence(i).setImage(Image.newBuilder().setRaw(RawImage.newBuilder()
            .setWidth(decoded.cols()).setHeight(decoded.rows()).setFormat(PixelFormat.PIXEL_FORMAT_BGR24)
            .setPixels(ByteString.copyFrom(Pixels.bytes(decoded))))).build());
        FrameResult result = client.awaitResult(i);
        assertEquals("", result.getError());
        assertTrue(result.getFacesCount() >= 3, "the crowd scene shows several faces: " + result.getFacesCount());
      }
    }
    assertEquals(Status.Code.OK, client.finish().getCode());
  }

  @Test
  void framesBeyondTheRateLimitAreSkippedAndCounted() throws Exception {
    StreamClient client = new StreamClient(server.channel(), StreamConfig.newBuilder().setMaxFps(2f).build());
    for (int i = 0; i < 20; i++) {
      client.send(frame(i).getFrame());
    }
    assertEquals(Status.Code.OK, client.finish().getCode());
    List<FrameResult> results = client.results();
    FrameResult last = results.get(results.size() - 1);
    assertTrue(last.getSkippedFrames() >= 15, "20 frames at once against 2 per second: " + last.getSkippedFrames() + " skipped");
    assertEquals(20, last.getSkippedFrames() + last.getDroppedFrames() + last.getProcessedFrames());
  }

  @Test
  void theNewestFrameWinsWhenFramesArriveFasterThanTheyAreProcessed() throws Exception {
    StreamClient client = new StreamClient(server.channel(), StreamConfig.newBuilder().build());
    List<byte[]> jpegs = ClipFrames.jpegs();
    for (int i = 0; i < jpegs.size(); i++) {
      client.send(StreamClient.jpegFrame(i, jpegs.get(i)));
    }
    assertEquals(Status.Code.OK, client.finish().getCode());
    List<FrameResult> results = client.results();
    FrameResult last = results.get(results.size() - 1);
    assertEquals(jpegs.size() - 1, last.getSequence(), "the last frame sent is always processed");
    assertEquals(jpegs.size(), last.getProcessedFrames() + last.getDroppedFrames(), "every frame processed or counted as dropped");
    assertTrue(last.getDroppedFrames() > 0, "the whole clip at once cannot all be processed in time");
    for (int i = 1; i < results.size(); i++) {
      assertTrue(results.get(i).getSequence() > results.get(i - 1).getSequence(), "results come in order");
    }
  }

  @Test
  void aClientThatStopsReadingDoesNotPileUpResults() throws Exception {
    // A client with a small flow-control window, reading one message and then nothing for a while.
    ManagedChannel slowChannel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
        .usePlaintext().flowControlWindow(16 * 1024).build();
    try {
      List<RecognizeResponse> received = new CopyOnWriteArrayList<>();
      AtomicReference<ClientCallStreamObserver<RecognizeRequest>> call = new AtomicReference<>();
      CompletableFuture<Status> done = new CompletableFuture<>();
      RecognitionServiceGrpc.newStub(slowChannel).recognize(new ClientResponseObserver<RecognizeRequest, RecognizeResponse>() {
        @Override
        public void beforeStart(ClientCallStreamObserver<RecognizeRequest> requestStream) {
          call.set(requestStream);
          requestStream.disableAutoRequestWithInitial(1);
        }

        @Override
        public void onNext(RecognizeResponse value) {
          received.add(value);
        }

        @Override
        public void onError(Throwable t) {
          done.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
          done.complete(Status.OK);
        }
      });
      ClientCallStreamObserver<RecognizeRequest> requests = call.get();
      requests.onNext(config(StreamConfig.newBuilder()));
      List<byte[]> jpegs = ClipFrames.jpegs();
      // Two passes over the clip, paced at about 100 frames a second, while reading nothing.
      for (int i = 0; i < 2 * jpegs.size(); i++) {
        requests.onNext(RecognizeRequest.newBuilder().setFrame(StreamClient.jpegFrame(i, jpegs.get(i % jpegs.size()))).build());
        Thread.sleep(10);
      }
      assertTrue(received.size() <= 1, "nothing was read");

      // Read again: what was held back while the client was not reading is what fits in the two
      // transport buffers (16 KiB each way) and the server's small queue, not every result.
      requests.request(Integer.MAX_VALUE);
      Thread.sleep(2000);
      long heldBackBytes = received.stream().mapToLong(RecognizeResponse::getSerializedSize).sum();
      System.out.printf("[flow] paused client: %d messages, %d bytes held back%n", received.size(), heldBackBytes);
      assertTrue(heldBackBytes <= 64 * 1024, "a paused client finds a bounded backlog: " + heldBackBytes + " bytes");
      int sent = 2 * jpegs.size();
      requests.onNext(RecognizeRequest.newBuilder().setFrame(StreamClient.jpegFrame(sent, jpegs.get(100))).build());
      requests.onCompleted();
      assertEquals(Status.Code.OK, done.get(60, TimeUnit.SECONDS).getCode());
      List<FrameResult> results = received.stream().filter(RecognizeResponse::hasResult).map(RecognizeResponse::getResult).toList();
      FrameResult last = results.get(results.size() - 1);
      assertEquals(sent, last.getSequence(), "the stream recovered and processed the newest frame");
      assertTrue(last.getDroppedFrames() > sent / 2, "frames that arrived while the client was not reading were dropped: "
          + last.getDroppedFrames());
      assertEquals(sent + 1, last.getProcessedFrames() + last.getDroppedFrames());
    } finally {
      slowChannel.shutdownNow();
    }
    assertAllReleased();
  }

  @Test
  void cancelledAndVanishedClientsFreeEverything() throws Exception {
    int threadsBefore = visageThreads();
    for (int round = 0; round < 3; round++) {
      ManagedChannel doomed = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      List<ClientCallStreamObserver<RecognizeRequest>> calls = new ArrayList<>();
      for (int s = 0; s < 3; s++) {
        AtomicReference<ClientCallStreamObserver<RecognizeRequest>> call = new AtomicReference<>();
        RecognitionServiceGrpc.newStub(doomed).recognize(new ClientResponseObserver<RecognizeRequest, RecognizeResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<RecognizeRequest> requestStream) {
            call.set(requestStream);
          }

          @Override
          public void onNext(RecognizeResponse value) {}

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
        call.get().onNext(config(StreamConfig.newBuilder()));
        for (int i = 0; i < 20; i++) {
          call.get().onNext(frame(200 + i));
        }
        calls.add(call.get());
      }
      Thread.sleep(300);
      assertTrue(live().openStreams() > 0, "the streams are open while they run");
      if (round == 0) {
        calls.forEach(c -> c.cancel("the client gives up", null));
      } else {
        doomed.shutdownNow(); // the connection drops without a word
      }
      doomed.awaitTermination(5, TimeUnit.SECONDS);
      assertAllReleased();
    }
    assertEquals(threadsBefore, visageThreads(), "no thread was left behind");
  }

  private static int visageThreads() {
    return (int) Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("visage-live") || t.getName().startsWith("visage-embedder")).count();
  }

  @Test
  void beyondTheStreamLimitAStreamIsRefused() throws Exception {
    List<StreamClient> open = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      StreamClient client = new StreamClient(server.channel(), StreamConfig.newBuilder().build());
      client.send(frame(i).getFrame());
      client.awaitResult(i);
      open.add(client);
    }
    List<RecognizeResponse> received = new CopyOnWriteArrayList<>();
    Status refused = exchange(List.of(config(StreamConfig.newBuilder())), received);
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getCode());
    for (StreamClient client : open) {
      assertEquals(Status.Code.OK, client.finish().getCode());
    }
    assertAllReleased();
  }

  @Test
  void concurrentStreamsAllComplete() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<FrameResult>>> runs = new ArrayList<>();
      for (int s = 0; s < 4; s++) {
        int offset = s * 60;
        runs.add(pool.submit(() -> {
          StreamClient client = new StreamClient(server.channel(), StreamConfig.newBuilder().setName("concurrent").build());
          client.sendInLockStep(ClipFrames.jpegs().subList(offset, offset + 30));
          assertEquals(Status.Code.OK, client.finish().getCode());
          return client.results();
        }));
      }
      for (Future<List<FrameResult>> run : runs) {
        List<FrameResult> results = run.get(120, TimeUnit.SECONDS);
        assertEquals(30, results.size());
        assertFalse(results.stream().anyMatch(r -> !r.getError().isEmpty()));
      }
    } finally {
      pool.shutdownNow();
    }
    assertAllReleased();
  }
}
