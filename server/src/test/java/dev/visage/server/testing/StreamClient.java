package dev.visage.server.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.visage.api.v1.Frame;
import dev.visage.api.v1.FrameResult;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.api.v1.RecognizeRequest;
import dev.visage.api.v1.RecognizeResponse;
import dev.visage.api.v1.StreamConfig;
import dev.visage.api.v1.TrackEvent;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real Recognize client for tests: sends frames and gathers what comes back. */
public final class StreamClient {

  private final LinkedBlockingQueue<RecognizeResponse> inbox = new LinkedBlockingQueue<>();
  private final List<RecognizeResponse> all = new ArrayList<>();
  private final CompletableFuture<Status> done = new CompletableFuture<>();
  private final StreamObserver<RecognizeRequest> requests;

  public StreamClient(Channel channel, StreamConfig config) {
    requests = RecognitionServiceGrpc.newStub(channel).recognize(new StreamObserver<>() {
      @Override
      public void onNext(RecognizeResponse value) {
        inbox.add(value);
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
    requests.onNext(RecognizeRequest.newBuilder().setConfig(config).build());
  }

  public static Frame jpegFrame(long sequence, byte[] jpeg) {
    return Frame.newBuilder()
        .setSequence(sequence)
        .setCaptureTime(Timestamp.newBuilder().setSeconds(1_700_000_000L + sequence / 30).setNanos((int) (sequence % 30) * 33_000_000))
        .setImage(Image.newBuilder().setEncoded(ByteString.copyFrom(jpeg)))
        .build();
  }

  public void send(Frame frame) {
    requests.onNext(RecognizeRequest.newBuilder().setFrame(frame).build());
  }

  /** Sends every frame, each after the previous one's result has come back: nothing is dropped. */
  public void sendInLockStep(List<byte[]> jpegs) throws InterruptedException {
    for (int i = 0; i < jpegs.size(); i++) {
      send(jpegFrame(i, jpegs.get(i)));
      awaitResult(i);
    }
  }

  /** Waits for the result of frame {@code sequence}, keeping everything received on the way. */
  public FrameResult awaitResult(long sequence) throws InterruptedException {
    while (true) {
      RecognizeResponse response = inbox.poll(60, TimeUnit.SECONDS);
      if (response == null) {
        throw new AssertionError("no result for frame " + sequence + " within 60 s; stream status " + done.getNow(null));
      }
      all.add(response);
      if (response.hasResult() && response.getResult().getSequence() >= sequence) {
        return response.getResult();
      }
    }
  }

  /** Half-closes and gathers everything up to the server's completion; returns its status. */
  public Status finish() throws Exception {
    requests.onCompleted();
    Status status = done.get(60, TimeUnit.SECONDS);
    inbox.drainTo(all);
    return status;
  }

  public CompletableFuture<Status> done() {
    return done;
  }

  public List<RecognizeResponse> responses() {
    inbox.drainTo(all);
    return all;
  }

  public List<FrameResult> results() {
    return responses().stream().filter(RecognizeResponse::hasResult).map(RecognizeResponse::getResult).toList();
  }

  public List<TrackEvent> events() {
    return responses().stream().filter(RecognizeResponse::hasEvent).map(RecognizeResponse::getEvent).toList();
  }
}
