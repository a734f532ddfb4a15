package dev.visage.console.connection;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import javax.swing.SwingUtilities;

/**
 * The console's link to the server: one gRPC channel (plain or TLS, with the API key on every
 * call) and a health check every two seconds, so the connection state shown is always current and
 * comes back by itself when the server does. Listeners hear about state changes on the Swing
 * event thread.
 */
public final class ServerConnection implements AutoCloseable {

  public enum State { CONNECTING, SERVING, NOT_SERVING, UNREACHABLE }

  /**
   * The connection's state.
   *
   * @param reason why it is not serving, for people; empty when it is
   */
  public record Status(State state, String address, String reason) {}

  private static final long POLL_SECONDS = 2;

  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "console-health");
    thread.setDaemon(true);
    return thread;
  });
  private final List<Consumer<Status>> listeners = new CopyOnWriteArrayList<>();
  private volatile ConnectionSettings settings;
  private volatile ManagedChannel managed;
  private volatile Channel channel;
  private volatile Status status;

  public ServerConnection(ConnectionSettings settings) {
    status = new Status(State.CONNECTING, settings.address(), "");
    connect(settings);
    poller.scheduleWithFixedDelay(this::checkHealth, 0, POLL_SECONDS, TimeUnit.SECONDS);
  }

  /** Switches to new settings: a new channel, and a health check at once. */
  public synchronized void connect(ConnectionSettings newSettings) {
    ManagedChannel previous = managed;
    this.settings = newSettings;
    this.managed = build(newSettings);
    this.channel = ClientInterceptors.intercept(managed, new ApiKey(newSettings.apiKey()));
    if (previous != null) {
      previous.shutdownNow();
      publish(new Status(State.CONNECTING, newSettings.address(), ""));
      poller.execute(this::checkHealth);
    }
  }

  public ConnectionSettings settings() {
    return settings;
  }

  /** The channel to make calls on; it carries the API key. */
  public Channel channel() {
    return channel;
  }

  public Status status() {
    return status;
  }

  /** Hears every state change (and the current state at once), on the Swing event thread. */
  public void addListener(Consumer<Status> listener) {
    listeners.add(listener);
    Status current = status;
    SwingUtilities.invokeLater(() -> listener.accept(current));
  }

  /** Runs a callback on the Swing event thread when a call completes. */
  public static <T> void onEventThread(ListenableFuture<T> call, Consumer<T> success, Consumer<Throwable> failure) {
    Futures.addCallback(call, new FutureCallback<>() {
      @Override
      public void onSuccess(T result) {
        success.accept(result);
      }

      @Override
      public void onFailure(Throwable error) {
        failure.accept(error);
      }
    }, SwingUtilities::invokeLater);
  }

  private void checkHealth() {
    ConnectionSettings checked = settings;
    ListenableFuture<HealthCheckResponse> check = HealthGrpc.newFutureStub(channel)
        .withDeadlineAfter(POLL_SECONDS, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
    Futures.addCallback(check, new FutureCallback<>() {
      @Override
      public void onSuccess(HealthCheckResponse response) {
        if (checked == settings) {
          publish(response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
              ? new Status(State.SERVING, checked.address(), "")
              : new Status(State.NOT_SERVING, checked.address(), "the server is not serving yet (" + response.getStatus() + ")"));
        }
      }

      @Override
      public void onFailure(Throwable error) {
        if (checked == settings) {
          publish(new Status(State.UNREACHABLE, checked.address(), ErrorMessages.describe(error)));
        }
      }
    }, MoreExecutors.directExecutor());
  }

  private void publish(Status next) {
    if (next.equals(status)) {
      return;
    }
    status = next;
    SwingUtilities.invokeLater(() -> listeners.forEach(listener -> listener.accept(next)));
  }

  private static ManagedChannel build(ConnectionSettings settings) {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(settings.host(), settings.port())
        .maxInboundMessageSize(64 << 20)
        .keepAliveTime(30, TimeUnit.SECONDS);
    if (!settings.tls()) {
      return builder.usePlaintext().build();
    }
    try {
      SslContextBuilder tls = GrpcSslContexts.forClient();
      if (!settings.caFile().isBlank()) {
        tls.trustManager(new File(settings.caFile()));
      }
      if (!settings.clientCertFile().isBlank()) {
        tls.keyManager(new File(settings.clientCertFile()), new File(settings.clientKeyFile()));
      }
      return builder.sslContext(tls.build()).useTransportSecurity().build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the TLS files cannot be used (the trusted CA " + settings.caFile()
          + (settings.clientCertFile().isBlank() ? "" : ", the client certificate " + settings.clientCertFile()
              + " and its key " + settings.clientKeyFile()) + "): " + e.getMessage(), e);
    }
  }

  /** Adds "authorization: Bearer KEY" to every call when a key is set. */
  private static final class ApiKey implements ClientInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final String key;

    ApiKey(String key) {
      this.key = key;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          if (!key.isBlank()) {
            headers.put(AUTHORIZATION, "Bearer " + key.strip());
          }
          super.start(listener, headers);
        }
      };
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
    managed.shutdownNow();
  }
}
