package dev.visage.server.security;

import dev.visage.api.v1.CameraServiceGrpc;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.RecognitionServiceGrpc;
import io.grpc.MethodDescriptor;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The role each call needs. Visage's own methods not listed here need {@link Role#ADMIN}, so a new
 * method is closed until someone decides otherwise; health checks and reflection (which describe
 * the API, not its data) are open so load balancers and grpcurl work without a key.
 */
public final class MethodRoles {

  private static final Map<String, Role> ROLES = new HashMap<>();

  static {
    viewer(RecognitionServiceGrpc.getDetectMethod());
    viewer(RecognitionServiceGrpc.getIdentifyMethod());
    viewer(RecognitionServiceGrpc.getVerifyMethod());
    viewer(RecognitionServiceGrpc.getGetServerInfoMethod());
    viewer(RecognitionServiceGrpc.getRecognizeMethod());
    viewer(GalleryServiceGrpc.getListPersonsMethod());
    viewer(GalleryServiceGrpc.getGetPersonMethod());
    viewer(CameraServiceGrpc.getListCamerasMethod());
    viewer(CameraServiceGrpc.getGetCameraMethod());
    viewer(CameraServiceGrpc.getWatchEventsMethod());
    operator(GalleryServiceGrpc.getEnrollMethod());
    operator(GalleryServiceGrpc.getRenamePersonMethod());
    operator(GalleryServiceGrpc.getDeletePersonMethod());
    operator(GalleryServiceGrpc.getDeleteFaceMethod());
  }

  private MethodRoles() {}

  private static void viewer(MethodDescriptor<?, ?> method) {
    ROLES.put(method.getFullMethodName(), Role.VIEWER);
  }

  private static void operator(MethodDescriptor<?, ?> method) {
    ROLES.put(method.getFullMethodName(), Role.OPERATOR);
  }

  /** The role a call needs, or empty when it needs no key at all. */
  public static Optional<Role> required(String fullMethodName) {
    if (fullMethodName.startsWith("grpc.health.") || fullMethodName.startsWith("grpc.reflection.")) {
      return Optional.empty();
    }
    return Optional.of(ROLES.getOrDefault(fullMethodName, Role.ADMIN));
  }
}
