package dev.visage.server.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every call's API key ({@code authorization: Bearer <key>}) against the role its method
 * needs, before the call reaches a service: a refused call never touches the gallery, so the
 * answer cannot reveal whether a person exists.
 */
public final class AuthInterceptor implements ServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(AuthInterceptor.class);

  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** The key the current call was made with, for services that want to log it. */
  public static final Context.Key<ApiKey> CALLER = Context.key("visage-api-key");

  private final ApiKeys keys;
  private final AuthMode mode;

  public AuthInterceptor(ApiKeys keys, AuthMode mode) {
    this.keys = keys;
    this.mode = mode;
  }

  /** Whether calls need a key right now (in AUTO mode, from the moment the first key exists). */
  public boolean keysRequired() {
    return switch (mode) {
      case KEYS -> true;
      case NONE -> false;
      case AUTO -> !keys.list().isEmpty();
    };
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Optional<Role> needed = MethodRoles.required(method);
    if (needed.isEmpty() || !keysRequired()) {
      return next.startCall(call, headers);
    }
    String header = headers.get(AUTHORIZATION);
    if (header == null || header.isBlank()) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("This server needs an API key: send the metadata "
          + "'authorization: Bearer <key>'. An administrator makes keys with 'visage keys create'."));
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription(
          "The authorization metadata must read 'Bearer <key>'."));
    }
    Optional<ApiKey> key = keys.authenticate(header.substring(7).strip());
    if (key.isEmpty()) {
      log.info("Refused {}: an unknown or revoked API key", method);
      return refuse(call, Status.UNAUTHENTICATED.withDescription(
          "The API key is not valid: it is unknown or has been revoked. Ask an administrator for a key."));
    }
    ApiKey caller = key.get();
    if (!caller.role().includes(needed.get())) {
      log.info("Refused {} to key {} ({}): it is a {} key, the call needs {}", method, caller.id(), caller.name(),
          caller.role().lowerCase(), needed.get().lowerCase());
      return refuse(call, Status.PERMISSION_DENIED.withDescription(String.format(Locale.ROOT,
          "%s needs the %s role; this key (%s, '%s') has the %s role.", shortName(method),
          needed.get().lowerCase(), caller.id(), caller.name(), caller.role().lowerCase())));
    }
    return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private static String shortName(String fullMethodName) {
    return fullMethodName.substring(fullMethodName.lastIndexOf('/') + 1);
  }
}
