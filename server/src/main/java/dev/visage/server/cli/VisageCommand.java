package dev.visage.server.cli;

import dev.visage.server.config.ServerOptions;
import dev.visage.server.config.SettingsFile;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code visage} command line. */
@Command(
    name = "visage",
    mixinStandardHelpOptions = true,
    versionProvider = VisageCommand.Version.class,
    description = "Visage: a face recognition server (YuNet + MobileFaceNet on ONNX Runtime, a Lucene HNSW gallery, gRPC).",
    subcommands = {ServeCommand.class, EnrollCommand.class, IdentifyCommand.class, VerifyCommand.class, DetectCommand.class,
        PersonsCommand.class, GalleryCommand.class,
        PersonsCommand.Faces.class, KeysCommand.class, ConfigCommand.class, EvalCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class VisageCommand {

  /** Builds the command line with defaults from environment variables (no settings file). */
  public static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /** Builds the command line for these arguments: defaults from environment variables, then the settings file they name. */
  public static CommandLine commandLine(String[] args) {
    CommandLine line = new CommandLine(new VisageCommand());
    line.setDefaultValueProvider(ServerOptions.defaults(SettingsFile.fromArguments(args)));
    line.setCaseInsensitiveEnumValuesAllowed(true);
    return line;
  }

  public static void main(String[] args) {
    // gRPC and Netty log through java.util.logging; send it to the same place as everything else.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    CommandLine line;
    try {
      line = commandLine(args);
    } catch (IllegalArgumentException badFile) {
      System.err.println("Visage cannot start: " + badFile.getMessage());
      System.exit(2);
      return;
    }
    System.exit(line.execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = VisageCommand.class.getPackage().getImplementationVersion();
      return new String[] {"Visage " + (version == null ? "development build" : version),
          "Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")"};
    }
  }
}
