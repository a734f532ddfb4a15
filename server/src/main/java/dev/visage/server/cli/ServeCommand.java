package dev.visage.server.cli;

import dev.visage.server.VisageServer;
import dev.visage.server.config.ServerOptions;
import dev.visage.server.config.SettingsReport;
import dev.visage.server.gallery.GalleryModelMismatchException;
import dev.visage.server.gallery.GalleryStorageException;
import dev.visage.server.models.ModelUnavailableException;
import dev.visage.server.security.SecuritySetupException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code visage serve}: runs the server until it is stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description = "Start the recognition server.",
    footer = {"", "Every option can also be set with an environment variable: VISAGE_ and the option's name in "
        + "capitals, dashes as underscores (--data-dir is VISAGE_DATA_DIR). Flags win over variables."})
final class ServeCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin
  private ServerOptions options;

  @picocli.CommandLine.Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    // The hook is in place before the port opens: a stop request can never slip in between.
    AtomicReference<VisageServer> running = new AtomicReference<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      VisageServer server = running.get();
      if (server != null) {
        server.close();
      }
    }, "visage-shutdown"));
    try {
      logSettings();
      running.set(VisageServer.start(options.toSettings()));
    } catch (ModelUnavailableException | GalleryModelMismatchException | GalleryStorageException
             | SecuritySetupException | IllegalArgumentException e) {
      log.error("Visage cannot start: {}", e.getMessage());
      return 2;
    } catch (IOException e) {
      log.error("Visage cannot start: {}. Is another server using the port? Choose another with --port.",
          e.getMessage());
      return 2;
    }
    running.get().awaitTermination();
    return 0;
  }

  /** The settings that differ from their defaults, and where each came from. */
  private void logSettings() {
    List<SettingsReport.Line> lines = SettingsReport.of(spec, spec.commandLine().getParseResult(), options.settingsFile());
    List<SettingsReport.Line> chosen = lines.stream().filter(line -> !line.isDefault()).toList();
    log.info("Settings: {}{} ('visage config show' with the same options lists all {})",
        chosen.isEmpty() ? "all defaults" : chosen.stream().map(Object::toString).collect(Collectors.joining("; ")),
        chosen.isEmpty() ? "" : "; the rest at their defaults", lines.size());
  }
}
