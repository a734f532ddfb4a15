package dev.visage.server.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a request that cannot be parsed (not protobuf, truncated, invalid UTF-8 in a string) an
 * INVALID_ARGUMENT naming the expected message. Left alone, gRPC answers such bytes with UNKNOWN
 * "Application error processing RPC", as if the server had failed.
 *
 * <p>gRPC turns any exception thrown while parsing into UNKNOWN, so the parser here never throws:
 * it hands on an empty message that carries the parse error in a reserved unknown field, and the
 * method's listener closes the call with INVALID_ARGUMENT when it sees one.
 */
public final class StrictRequestParsing {

  /** The largest field number protobuf allows; no API message will ever use it. */
  private static final int PARSE_ERROR_FIELD = 536_870_911;

  private StrictRequestParsing() {}

  public static ServerServiceDefinition apply(ServerServiceDefinition service) {
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      methods.add(strict(method));
    }
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    methods.forEach(method -> descriptor.addMethod(method.getMethodDescriptor()));
    ServerServiceDefinition.Builder rebuilt = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(rebuilt::addMethod);
    return rebuilt.build();
  }

  private static <Q, R> ServerMethodDefinition<Q, R> strict(ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
    if (!(descriptor.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> parser)
        || !(parser.getMessagePrototype() instanceof Message prototype)) {
      return method;
    }
    String messageName = prototype.getDescriptorForType().getFullName();
    MethodDescriptor.Marshaller<Q> lenient = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(Q value) {
        return parser.stream(value);
      }

      @Override
      @SuppressWarnings("unchecked")
      public Q parse(InputStream stream) {
        try {
          return parser.parse(stream);
        } catch (RuntimeException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          String error = "the request is not a valid " + messageName + " message (" + cause.getMessage()
              + "); build it from proto/visage/v1";
          return (Q) prototype.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
              .addField(PARSE_ERROR_FIELD, UnknownFieldSet.Field.newBuilder()
                  .addLengthDelimited(ByteString.copyFromUtf8(error)).build())
              .build()).build();
        }
      }
    };
    ServerCallHandler<Q, R> handler = (call, headers) ->
        new SimpleForwardingServerCallListener<>(method.getServerCallHandler().startCall(call, headers)) {
          private boolean rejected;

          @Override
          public void onMessage(Q message) {
            String error = parseError(message);
            if (error != null) {
              rejected = true;
              call.close(Status.INVALID_ARGUMENT.withDescription(error), new Metadata());
              return;
            }
            super.onMessage(message);
          }

          @Override
          public void onHalfClose() {
            if (!rejected) {
              super.onHalfClose();
            }
          }
        };
    return ServerMethodDefinition.create(descriptor.toBuilder().setRequestMarshaller(lenient).build(), handler);
  }

  private static String parseError(Object message) {
    if (message instanceof Message parsed && parsed.getUnknownFields().hasField(PARSE_ERROR_FIELD)) {
      return parsed.getUnknownFields().getField(PARSE_ERROR_FIELD).getLengthDelimitedList().get(0).toStringUtf8();
    }
    return null;
  }
}
