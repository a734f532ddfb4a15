package dev.visage.server.cli;

import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.server.client.ClientOptions;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a running server: it opens the channel, runs, closes it, and turns a
 * refused call into one line that says what happened (exit code 1) instead of a stack trace.
 */
abstract class ClientCommand implements Callable<Integer> {

  @Mixin
  ClientOptions client;

  @Spec
  CommandSpec spec;

  /** Does the work over the open channel; returns the exit code. */
  abstract int run(ManagedChannel channel) throws Exception;

  @Override
  public final Integer call() throws Exception {
    ManagedChannel channel = client.channel();
    try {
      return run(channel);
    } catch (StatusRuntimeException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.printf("%s refused: %s%s%n", client.server(), e.getStatus().getCode(),
          e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription());
      err.flush();
      return 1;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  GalleryServiceGrpc.GalleryServiceBlockingStub gallery(ManagedChannel channel) {
    return GalleryServiceGrpc.newBlockingStub(channel).withCallCredentials(client.credentials());
  }

  RecognitionServiceGrpc.RecognitionServiceBlockingStub recognition(ManagedChannel channel) {
    return RecognitionServiceGrpc.newBlockingStub(channel).withCallCredentials(client.credentials())
        .withDeadlineAfter(2, TimeUnit.MINUTES);
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
