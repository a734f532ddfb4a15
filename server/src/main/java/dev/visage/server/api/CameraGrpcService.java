package dev.visage.server.api;

import dev.visage.api.v1.AddCameraRequest;
import dev.visage.api.v1.AddCameraResponse;
import dev.visage.api.v1.Camera;
import dev.visage.api.v1.CameraServiceGrpc;
import dev.visage.api.v1.CameraState;
import dev.visage.api.v1.GetCameraRequest;
import dev.visage.api.v1.GetCameraResponse;
import dev.visage.api.v1.ListCamerasRequest;
import dev.visage.api.v1.ListCamerasResponse;
import dev.visage.api.v1.RemoveCameraRequest;
import dev.visage.api.v1.RemoveCameraResponse;
import dev.visage.api.v1.WatchEventsRequest;
import dev.visage.api.v1.WatchEventsResponse;
import dev.visage.server.camera.CameraRegistry;
import dev.visage.server.camera.CameraStatus;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** The CameraService of the public API: cameras the server reads itself, and watching them. */
public final class CameraGrpcService extends CameraServiceGrpc.CameraServiceImplBase {

  private final CameraRegistry cameras;

  public CameraGrpcService(CameraRegistry cameras) {
    this.cameras = cameras;
  }

  @Override
  public void addCamera(AddCameraRequest request, StreamObserver<AddCameraResponse> observer) {
    Unary.respond("AddCamera", observer, () -> {
      String name = RequestValidation.displayName("name", request.getName());
      if (request.getUrl().isBlank()) {
        throw ApiErrors.invalid("url is empty: give rtsp://..., http(s)://..., file:///path/to/video or device:///dev/video0");
      }
      CameraStatus status = cameras.add(name, request.getUrl(), request.getMaxFps(),
          request.hasThreshold() ? request.getThreshold() : null, request.getLoop());
      return AddCameraResponse.newBuilder().setCamera(camera(status)).build();
    });
  }

  @Override
  public void listCameras(ListCamerasRequest request, StreamObserver<ListCamerasResponse> observer) {
    Unary.respond("ListCameras", observer, () -> {
      ListCamerasResponse.Builder response = ListCamerasResponse.newBuilder();
      cameras.list().forEach(status -> response.addCameras(camera(status)));
      return response.build();
    });
  }

  @Override
  public void getCamera(GetCameraRequest request, StreamObserver<GetCameraResponse> observer) {
    Unary.respond("GetCamera", observer, () -> GetCameraResponse.newBuilder()
        .setCamera(camera(cameras.get(RequestValidation.id("camera_id", request.getCameraId())))).build());
  }

  @Override
  public void removeCamera(RemoveCameraRequest request, StreamObserver<RemoveCameraResponse> observer) {
    Unary.respond("RemoveCamera", observer, () -> {
      cameras.remove(RequestValidation.id("camera_id", request.getCameraId()));
      return RemoveCameraResponse.getDefaultInstance();
    });
  }

  @Override
  public void watchEvents(WatchEventsRequest request, StreamObserver<WatchEventsResponse> observer) {
    try {
      String cameraId = request.getCameraId();
      if (!cameraId.isEmpty()) {
        cameras.requireKnown(RequestValidation.id("camera_id", cameraId));
      }
      WatchStream.open((ServerCallStreamObserver<WatchEventsResponse>) observer, cameras.events(), cameraId);
    } catch (RuntimeException e) {
      observer.onError(ApiErrors.toStatus("WatchEvents", e).asRuntimeException());
    }
  }

  private static Camera camera(CameraStatus status) {
    return Camera.newBuilder()
        .setCameraId(status.spec().id())
        .setName(status.spec().name())
        .setUrl(CameraRegistry.maskedUrl(status.spec().url()))
        .setMaxFps(status.spec().maxFps())
        .setLoop(status.spec().loop())
        .setState(switch (status.state()) {
          case CONNECTING -> CameraState.CAMERA_STATE_CONNECTING;
          case LIVE -> CameraState.CAMERA_STATE_LIVE;
          case FAILED -> CameraState.CAMERA_STATE_FAILED;
          case STOPPED -> CameraState.CAMERA_STATE_STOPPED;
        })
        .setReason(status.reason())
        .setRetries(status.retries())
        .setStateSince(ProtoMapping.timestamp(status.since()))
        .setProcessedFrames(status.processed())
        .setDroppedFrames(status.dropped())
        .setFps(status.fps())
        .build();
  }
}
