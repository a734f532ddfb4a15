package dev.visage.server.bench;

import dev.visage.server.config.ServerSettings;
import dev.visage.server.security.SecuritySettings;
import java.nio.file.Path;

/**
 * The settings of a server that a benchmark starts for itself: the user's options, but on a free
 * loopback port without a metrics endpoint, with a gallery, camera list and key file of its own in a scratch folder, so it
 * neither touches nor is locked by the user's data.
 */
public final class ScratchServer {

  private ScratchServer() {}

  public static ServerSettings settings(ServerSettings options, Path scratch) {
    ServerSettings.Network network = options.network();
    return options
        .withNetwork(new ServerSettings.Network("127.0.0.1", 0, network.maxMessageBytes(),
            network.maxConcurrentRequests(), network.shutdownGrace(), null, -1))
        .withStorage(new ServerSettings.Storage(scratch.resolve("gallery"), options.storage().vectors(),
            scratch.resolve("cameras.json")))
        .withSecurity(SecuritySettings.loopbackDefaults(scratch.resolve("api-keys.json")));
  }
}
