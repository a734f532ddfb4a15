package dev.visage.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.IdentifyResponse;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.TestServer;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Beyond its concurrency limit the server refuses at once instead of queueing without bound. */
class ConcurrencyLimitTest {

  @TempDir
  Path data;

  @Test
  void callsBeyondTheLimitAreRefusedWithResourceExhausted() throws Exception {
    try (TestServer server = TestServer.start(data, "--max-concurrent-requests=2")) {
      IdentifyRequest request = IdentifyRequest.newBuilder().setImage(Images.encoded("_group/selfie2.jpg")).build();
      RecognitionServiceGrpc.RecognitionServiceStub stub = RecognitionServiceGrpc.newStub(server.channel());
      List<CompletableFuture<Status.Code>> outcomes = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        CompletableFuture<Status.Code> outcome = new CompletableFuture<>();
        outcomes.add(outcome);
        stub.identify(request, new StreamObserver<>() {
          @Override
          public void onNext(IdentifyResponse value) {}

          @Override
          public void onError(Throwable t) {
            outcome.complete(Status.fromThrowable(t).getCode());
          }

          @Override
          public void onCompleted() {
            outcome.complete(Status.Code.OK);
          }
        });
      }
      long ok = 0;
      long refused = 0;
      for (CompletableFuture<Status.Code> outcome : outcomes) {
        Status.Code code = outcome.get(120, TimeUnit.SECONDS);
        assertTrue(code == Status.Code.OK || code == Status.Code.RESOURCE_EXHAUSTED, code.toString());
        ok += code == Status.Code.OK ? 1 : 0;
        refused += code == Status.Code.RESOURCE_EXHAUSTED ? 1 : 0;
      }
      assertTrue(ok >= 2, "the calls within the limit are served: " + ok);
      assertTrue(refused >= 1, "twelve at once against a limit of two: some are refused");
      // Health checks are never refused, and the limit frees up once calls finish.
      assertEquals(HealthCheckResponse.ServingStatus.SERVING,
          HealthGrpc.newBlockingStub(server.channel()).check(HealthCheckRequest.getDefaultInstance()).getStatus());
      assertEquals(13, server.recognition().identify(request).getFacesCount());
    }
  }
}
