package dev.visage.server.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.AddCameraRequest;
import dev.visage.api.v1.Camera;
import dev.visage.api.v1.CameraServiceGrpc;
import dev.visage.api.v1.CameraState;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.GetCameraRequest;
import dev.visage.api.v1.ListCamerasRequest;
import dev.visage.api.v1.RemoveCameraRequest;
import dev.visage.api.v1.TrackEventType;
import dev.visage.api.v1.WatchEventsRequest;
import dev.visage.api.v1.WatchEventsResponse;
import dev.visage.server.testing.ClipFrames;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.MjpegServer;
import dev.visage.server.testing.SharedData;
import dev.visage.server.testing.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cameras the server reads itself, and watchers of their results and events. */
class CameraTest {

  @TempDir
  static Path data;

  private static TestServer server;
  private static String linId;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(data);
    linId = server.gallery().enroll(EnrollRequest.newBuilder().setDisplayName("Lin-Manuel Miranda")
        .addImages(Images.encoded("lin_manuel_miranda/lin-manuel-miranda.png")).build()).getPerson().getPersonId();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static CameraServiceGrpc.CameraServiceBlockingStub cameras() {
    return CameraServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static Camera add(String name, String url, boolean loop) {
    return cameras().addCamera(AddCameraRequest.newBuilder().setName(name).setUrl(url).setLoop(loop).build()).getCamera();
  }

  private static Camera get(String id) {
    return cameras().getCamera(GetCameraRequest.newBuilder().setCameraId(id).build()).getCamera();
  }

  private static void remove(String id) {
    cameras().removeCamera(RemoveCameraRequest.newBuilder().setCameraId(id).build());
  }

  private static void await(String what, BooleanSupplier condition, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }

  /** A watcher; with {@code paused} it reads nothing until {@link #resume()}. */
  private static final class Watcher {
    final List<WatchEventsResponse> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> done = new CompletableFuture<>();
    private ClientCallStreamObserver<WatchEventsRequest> call;

    Watcher(String cameraId, boolean paused) {
      this(server.channel(), cameraId, paused);
    }

    Watcher(io.grpc.Channel channel, String cameraId, boolean paused) {
      CameraServiceGrpc.newStub(channel).watchEvents(WatchEventsRequest.newBuilder().setCameraId(cameraId).build(),
          new ClientResponseObserver<WatchEventsRequest, WatchEventsResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchEventsRequest> requestStream) {
              call = requestStream;
              if (paused) {
                requestStream.disableAutoRequestWithInitial(0);
              }
            }

            @Override
            public void onNext(WatchEventsResponse value) {
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
    }

    void resume() {
      call.request(Integer.MAX_VALUE);
    }

    void cancel() {
      call.cancel("done watching", null);
    }

    Set<TrackEventType> eventTypes() {
      return received.stream().filter(WatchEventsResponse::hasEvent).map(r -> r.getEvent().getType()).collect(Collectors.toSet());
    }

    long results() {
      return received.stream().filter(WatchEventsResponse::hasResult).count();
    }
  }

  @Test
  void aVideoFileIsRecognisedAtItsOwnPaceAndStopsAtItsEnd() throws Exception {
    Watcher everything = new Watcher("", false);
    Camera camera = add("stage file", SharedData.video().toUri().toString(), false);
    Watcher watcher = new Watcher(camera.getCameraId(), false);
    await("the file has been played", () -> get(camera.getCameraId()).getState() == CameraState.CAMERA_STATE_STOPPED, 60);

    Camera stopped = get(camera.getCameraId());
    assertEquals("the video file ended", stopped.getReason());
    assertTrue(stopped.getProcessedFrames() > 100, "most of the 275 frames are processed: " + stopped.getProcessedFrames());
    assertTrue(watcher.results() > 100);
    assertTrue(watcher.eventTypes().containsAll(Set.of(TrackEventType.TRACK_EVENT_TYPE_STARTED,
        TrackEventType.TRACK_EVENT_TYPE_IDENTIFIED, TrackEventType.TRACK_EVENT_TYPE_ENDED)), watcher.eventTypes().toString());
    List<String> named = watcher.received.stream().filter(r -> r.hasEvent()
        && r.getEvent().getType() == TrackEventType.TRACK_EVENT_TYPE_IDENTIFIED).map(r -> r.getEvent().getIdentity().getPersonId()).toList();
    assertEquals(List.of(linId), named, "he, and only he, is named");
    assertTrue(watcher.received.stream().allMatch(r -> r.getCameraId().equals(camera.getCameraId())));
    assertTrue(everything.results() >= watcher.results(), "a watcher of all cameras sees this one too");

    remove(camera.getCameraId());
    assertEquals(Status.Code.OK, watcher.done.get(10, TimeUnit.SECONDS).getCode(), "watchers of a removed camera are done");
    everything.cancel();
    assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> get(camera.getCameraId())).getStatus().getCode());
  }

  @Test
  void anHttpMjpegCameraStreamsResultsAndEvents() throws Exception {
    try (MjpegServer mjpeg = new MjpegServer(ClipFrames.jpegs(), 30)) {
      Camera camera = add("ip camera", mjpeg.url(), false);
      Watcher watcher = new Watcher(camera.getCameraId(), false);
      await("the camera is live and faces are tracked",
          () -> get(camera.getCameraId()).getState() == CameraState.CAMERA_STATE_LIVE && watcher.eventTypes()
              .contains(TrackEventType.TRACK_EVENT_TYPE_STARTED) && watcher.results() > 60, 60);
      Camera live = get(camera.getCameraId());
      assertTrue(live.getFps() > 5, "frames flow: " + live.getFps() + " fps");
      assertTrue(watcher.received.stream().anyMatch(r -> r.hasResult() && r.getResult().getFacesCount() > 0));
      remove(camera.getCameraId());
      watcher.done.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aDeadSourceIsRetriedWithGrowingPausesAndSaysWhy() throws Exception {
    Camera camera = add("nowhere", "rtsp://127.0.0.1:1/none", false);
    await("two failed attempts", () -> get(camera.getCameraId()).getRetries() >= 2, 30);
    Camera failing = get(camera.getCameraId());
    assertEquals(CameraState.CAMERA_STATE_FAILED, failing.getState());
    assertTrue(failing.getReason().contains("retrying in"), failing.getReason());
    remove(camera.getCameraId());
  }

  @Test
  void aSlowWatcherMissesMessagesButSlowsNobody() throws Exception {
    try (MjpegServer mjpeg = new MjpegServer(ClipFrames.jpegs(), 60)) {
      Camera camera = add("busy camera", mjpeg.url(), false);
      // The slow watcher's connection buffers little, as a congested link would.
      io.grpc.ManagedChannel narrow = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
          .forAddress("127.0.0.1", server.port()).usePlaintext().flowControlWindow(16 * 1024).build();
      Watcher slow = new Watcher(narrow, camera.getCameraId(), true);
      Watcher fast = new Watcher(camera.getCameraId(), false);
      await("the camera has processed plenty", () -> get(camera.getCameraId()).getProcessedFrames() > 400, 90);
      long processed = get(camera.getCameraId()).getProcessedFrames();
      assertTrue(fast.results() >= processed - 20, "the reading watcher keeps up: " + fast.results() + " of " + processed);

      slow.resume();
      await("the slow watcher catches up", () -> slow.received.size() > 10, 30);
      Thread.sleep(500);
      WatchEventsResponse latest = slow.received.get(slow.received.size() - 1);
      assertTrue(latest.getDropped() > 0, "what did not fit its queue was dropped and counted");
      assertTrue(slow.received.size() < fast.received.size());
      remove(camera.getCameraId());
      narrow.shutdownNow();
    }
  }

  @Test
  void badRequestsAreRefusedClearly() {
    for (String url : List.of("ftp://example/video", "no scheme", "file:///no/such/video.mp4")) {
      StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> add("bad", url, false));
      assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode(), url);
    }
    assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
        () -> add("", SharedData.video().toUri().toString(), false)).getStatus().getCode());
    assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
        () -> cameras().addCamera(AddCameraRequest.newBuilder().setName("x").setUrl(SharedData.video().toUri().toString())
            .setMaxFps(-1).build())).getStatus().getCode());
    String unknown = "3f2b8c1e-9d4a-4e7b-8a2c-5d6e7f809a1b";
    assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> get(unknown)).getStatus().getCode());
    assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> remove(unknown)).getStatus().getCode());
    Watcher nobody = new Watcher(unknown, false);
    assertEquals(Status.Code.NOT_FOUND, nobody.done.join().getCode());
  }

  @Test
  void camerasComeBackAfterARestartWithPasswordsMasked(@TempDir Path own) throws Exception {
    String url = "rtsp://admin:secret@127.0.0.1:1/stream";
    String id;
    try (TestServer first = TestServer.start(own)) {
      Camera camera = CameraServiceGrpc.newBlockingStub(first.channel()).addCamera(AddCameraRequest.newBuilder()
          .setName("door").setUrl(url).setMaxFps(5).build()).getCamera();
      id = camera.getCameraId();
      assertEquals("rtsp://admin:***@127.0.0.1:1/stream", camera.getUrl(), "the password is never shown");
    }
    try (TestServer second = TestServer.start(own)) {
      List<Camera> listed = CameraServiceGrpc.newBlockingStub(second.channel()).listCameras(ListCamerasRequest.getDefaultInstance())
          .getCamerasList();
      assertEquals(1, listed.size());
      assertEquals(id, listed.get(0).getCameraId());
      assertEquals("door", listed.get(0).getName());
      assertEquals(5f, listed.get(0).getMaxFps());
      assertFalse(listed.get(0).getUrl().contains("secret"));
    }
  }
}
