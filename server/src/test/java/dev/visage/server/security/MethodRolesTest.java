package dev.visage.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.visage.api.v1.CameraServiceGrpc;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.RecognitionServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The role of every method of the API, spelled out: a change to who may do what shows up here. */
class MethodRolesTest {

  @Test
  void everyMethodNeedsTheRoleTheDocumentationPromises() {
    Map<String, Role> actual = new TreeMap<>();
    for (ServiceDescriptor service : new ServiceDescriptor[] {RecognitionServiceGrpc.getServiceDescriptor(),
        GalleryServiceGrpc.getServiceDescriptor(), CameraServiceGrpc.getServiceDescriptor()}) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        actual.put(method.getBareMethodName(), MethodRoles.required(method.getFullMethodName()).orElseThrow());
      }
    }
    Map<String, Role> expected = new TreeMap<>(Map.ofEntries(
        Map.entry("Detect", Role.VIEWER), Map.entry("Identify", Role.VIEWER), Map.entry("Verify", Role.VIEWER),
        Map.entry("GetServerInfo", Role.VIEWER), Map.entry("Recognize", Role.VIEWER),
        Map.entry("ListPersons", Role.VIEWER), Map.entry("GetPerson", Role.VIEWER),
        Map.entry("ListCameras", Role.VIEWER), Map.entry("GetCamera", Role.VIEWER), Map.entry("WatchEvents", Role.VIEWER),
        Map.entry("Enroll", Role.OPERATOR), Map.entry("RenamePerson", Role.OPERATOR),
        Map.entry("DeletePerson", Role.OPERATOR), Map.entry("DeleteFace", Role.OPERATOR),
        Map.entry("AddCamera", Role.ADMIN), Map.entry("RemoveCamera", Role.ADMIN),
        Map.entry("PurgeDeleted", Role.ADMIN), Map.entry("ExportGallery", Role.ADMIN),
        Map.entry("ImportGallery", Role.ADMIN), Map.entry("BackupGallery", Role.ADMIN)));
    assertEquals(expected, actual);
  }

  @Test
  void healthAndReflectionAreOpenAndUnknownMethodsNeedAdmin() {
    assertEquals(Optional.empty(), MethodRoles.required("grpc.health.v1.Health/Check"));
    assertEquals(Optional.empty(), MethodRoles.required("grpc.reflection.v1.ServerReflection/ServerReflectionInfo"));
    assertEquals(Optional.of(Role.ADMIN), MethodRoles.required("visage.v1.GalleryService/SomethingNew"));
  }
}
