package dev.visage.server.cli;

import dev.visage.server.security.ApiKey;
import dev.visage.server.security.ApiKeys;
import dev.visage.server.security.Role;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code visage keys}: makes, lists and revokes API keys in the key file a server reads. A running
 * server notices the change on its next call; no restart is needed.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = {"Make, list and revoke API keys. Keys are stored hashed; a new key is shown once.",
        "Roles: viewer (recognise, identify, detect, list), operator (+ enroll, rename, delete), "
            + "admin (+ cameras, maintenance)."},
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand {

  /** Where the key file is: the same options, and variables, as {@code visage serve}. */
  static final class KeyFileOptions {
    @Option(names = "--data-dir", defaultValue = "visage-data", description = "The server's data folder. Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(names = "--api-keys-file", description = "The key file. Default: <data-dir>/api-keys.json.")
    Path apiKeysFile;

    ApiKeys keys() {
      return new ApiKeys(apiKeysFile != null ? apiKeysFile : dataDir.resolve("api-keys.json"));
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Make a key and print it (once).")
  static final class Create implements Callable<Integer> {
    @picocli.CommandLine.Mixin KeyFileOptions file;
    @Spec CommandSpec spec;

    @Option(names = "--name", required = true, description = "Who or what the key is for, e.g. 'door camera 2'.")
    String name;

    @Option(names = "--role", required = true, description = "${COMPLETION-CANDIDATES}.")
    Role role;

    @Override
    public Integer call() {
      ApiKeys keys = file.keys();
      ApiKeys.Issued issued;
      try {
        issued = keys.create(name, role);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("No key made: " + e.getMessage() + ".");
        spec.commandLine().getErr().flush();
        return 2;
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(issued.secret());
      out.flush();
      PrintWriter err = spec.commandLine().getErr();
      err.printf("Made %s key %s ('%s') in %s.%nThe key above is shown only this once: give it to the client, "
          + "which sends it as the metadata 'authorization: Bearer <key>'.%n", role.lowerCase(), issued.key().id(),
          issued.key().name(), keys.file());
      err.flush();
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys (never their text).")
  static final class ListKeys implements Callable<Integer> {
    @picocli.CommandLine.Mixin KeyFileOptions file;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      List<ApiKey> keys = file.keys().list();
      PrintWriter out = spec.commandLine().getOut();
      if (keys.isEmpty()) {
        out.println("No API keys: a server using this file lets every client make every call (see --auth).");
      } else {
        out.printf("%-12s  %-8s  %-20s  %s%n", "id", "role", "created", "name");
        for (ApiKey key : keys) {
          out.printf("%-12s  %-8s  %-20s  %s%n", key.id(), key.role().lowerCase(), key.created(), key.name());
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key: it stops working at once.")
  static final class Revoke implements Callable<Integer> {
    @picocli.CommandLine.Mixin KeyFileOptions file;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The key's id, as 'visage keys list' shows it.")
    String id;

    @Override
    public Integer call() {
      if (file.keys().revoke(id)) {
        spec.commandLine().getOut().printf("Revoked key %s.%n", id);
        spec.commandLine().getOut().flush();
        return 0;
      }
      spec.commandLine().getErr().printf("No key has the id %s; 'visage keys list' shows them.%n", id);
      spec.commandLine().getErr().flush();
      return 1;
    }
  }
}
