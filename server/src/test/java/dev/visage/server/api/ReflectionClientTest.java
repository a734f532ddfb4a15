package dev.visage.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.util.JsonFormat;
import dev.visage.server.testing.SharedData;
import dev.visage.server.testing.TestServer;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that knows nothing of Visage but its address, like grpcurl or Postman: it discovers the
 * services through server reflection, builds requests from JSON with the descriptors it was given,
 * and reads the answers back as JSON.
 */
class ReflectionClientTest {

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

  /** One exchange on the bidirectional reflection stream. */
  private static ServerReflectionResponse ask(ManagedChannel channel, ServerReflectionRequest request) throws Exception {
    LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
        new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse value) {
            answers.add(value);
          }

          @Override
          public void onError(Throwable t) {
            answers.add(t);
          }

          @Override
          public void onCompleted() {}
        });
    requests.onNext(request);
    Object answer = answers.poll(30, TimeUnit.SECONDS);
    requests.onCompleted();
    if (answer instanceof Throwable error) {
      throw new AssertionError("reflection failed", error);
    }
    return (ServerReflectionResponse) answer;
  }

  /** Fetches a service's file and everything it imports, and builds their descriptors. */
  private static ServiceDescriptor discover(ManagedChannel channel, String service) throws Exception {
    ServerReflectionResponse response = ask(channel, ServerReflectionRequest.newBuilder().setFileContainingSymbol(service).build());
    Map<String, FileDescriptorProto> protos = new HashMap<>();
    List<String> pending = new ArrayList<>();
    for (var bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      FileDescriptorProto proto = FileDescriptorProto.parseFrom(bytes);
      protos.put(proto.getName(), proto);
      pending.addAll(proto.getDependencyList());
    }
    while (!pending.isEmpty()) {
      String name = pending.remove(0);
      if (protos.containsKey(name)) {
        continue;
      }
      ServerReflectionResponse file = ask(channel, ServerReflectionRequest.newBuilder().setFileByFilename(name).build());
      for (var bytes : file.getFileDescriptorResponse().getFileDescriptorProtoList()) {
        FileDescriptorProto proto = FileDescriptorProto.parseFrom(bytes);
        protos.put(proto.getName(), proto);
        pending.addAll(proto.getDependencyList());
      }
    }
    Map<String, FileDescriptor> built = new HashMap<>();
    String packageName = service.substring(0, service.lastIndexOf('.'));
    String simpleName = service.substring(service.lastIndexOf('.') + 1);
    for (FileDescriptorProto proto : protos.values()) {
      FileDescriptor file = build(proto, protos, built);
      if (file.getPackage().equals(packageName) && file.findServiceByName(simpleName) != null) {
        return file.findServiceByName(simpleName);
      }
    }
    throw new AssertionError(service + " was not described by reflection");
  }

  private static FileDescriptor build(FileDescriptorProto proto, Map<String, FileDescriptorProto> protos,
      Map<String, FileDescriptor> built) throws Exception {
    if (built.containsKey(proto.getName())) {
      return built.get(proto.getName());
    }
    List<FileDescriptor> dependencies = new ArrayList<>();
    for (String dependency : proto.getDependencyList()) {
      dependencies.add(build(protos.get(dependency), protos, built));
    }
    FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies.toArray(FileDescriptor[]::new));
    built.put(proto.getName(), file);
    return file;
  }

  /** Calls a unary method with a JSON request, as grpcurl -d '{...}' does, and returns JSON. */
  private static String call(ManagedChannel channel, ServiceDescriptor service, String method, String json) throws Exception {
    MethodDescriptor descriptor = service.findMethodByName(method);
    Descriptor input = descriptor.getInputType();
    DynamicMessage.Builder request = DynamicMessage.newBuilder(input);
    JsonFormat.parser().merge(json, request);
    io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod =
        io.grpc.MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
            .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(service.getFullName(), method))
            .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(input)))
            .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(descriptor.getOutputType())))
            .build();
    DynamicMessage response = ClientCalls.blockingUnaryCall(channel, grpcMethod,
        CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS), request.build());
    return JsonFormat.printer().print(response);
  }

  private static String base64(String photo) throws Exception {
    return Base64.getEncoder().encodeToString(Files.readAllBytes(SharedData.photo(photo)));
  }

  @Test
  void servicesAreListedByBothReflectionVersions() throws Exception {
    ServerReflectionResponse listing = ask(server.channel(), ServerReflectionRequest.newBuilder().setListServices("*").build());
    List<String> names = listing.getListServicesResponse().getServiceList().stream().map(s -> s.getName()).toList();
    assertTrue(names.containsAll(List.of("visage.v1.GalleryService", "visage.v1.RecognitionService",
        "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection")), names.toString());

    // Older tools (and some versions of grpcurl) speak v1alpha.
    CompletableFuture<List<String>> alpha = new CompletableFuture<>();
    StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(server.channel()).serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(io.grpc.reflection.v1alpha.ServerReflectionResponse value) {
            alpha.complete(value.getListServicesResponse().getServiceList().stream().map(s -> s.getName()).toList());
          }

          @Override
          public void onError(Throwable t) {
            alpha.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("*").build());
    assertTrue(alpha.get(30, TimeUnit.SECONDS).contains("visage.v1.GalleryService"));
    requests.onCompleted();
  }

  @Test
  void enrollAndIdentifyWithJsonBuiltFromReflectedDescriptors() throws Exception {
    ServiceDescriptor gallery = discover(server.channel(), "visage.v1.GalleryService");
    ServiceDescriptor recognition = discover(server.channel(), "visage.v1.RecognitionService");

    String enrolled = call(server.channel(), gallery, "Enroll",
        "{\"displayName\": \"Rose Leslie\", \"images\": [{\"encoded\": \"" + base64("rose_leslie/img1.jpg") + "\"}]}");
    assertTrue(enrolled.contains("\"enrolledCount\": 1"), enrolled);
    assertTrue(enrolled.contains("\"faceId\""), enrolled);

    String identified = call(server.channel(), recognition, "Identify",
        "{\"image\": {\"encoded\": \"" + base64("rose_leslie/img2.jpg") + "\"}}");
    assertTrue(identified.contains("\"match\""), identified);
    assertTrue(identified.contains("\"displayName\": \"Rose Leslie\""), identified);

    String listed = call(server.channel(), gallery, "ListPersons", "{\"nameContains\": \"rose\"}");
    assertTrue(listed.contains("\"totalSize\": 1"), listed);

    String info = call(server.channel(), recognition, "GetServerInfo", "{}");
    assertTrue(info.contains("\"embedderModelId\": \"mobilefacenet@b7120c09\""), info);
    assertEquals(1, server.server().gallery().stats().persons());
  }
}
