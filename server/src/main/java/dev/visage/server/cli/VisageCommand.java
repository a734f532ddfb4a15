package dev.visage.server.cli;

import dev.visage.server.config.ServerOptions;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code visage} command line. */
@Command(
    name = "visage",
    mixinStandardHelpOptions = true,
    versionProvider = VisageCommand.Version.class,
    description = "Visage: a face recognition server (YuNet + MobileFaceNet on ONNX Runtime, a Lucene HNSW gallery, gRPC).",
    subcommands = {ServeCommand.class, KeysCommand.class, EvalCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class VisageCommand {

  /** Builds the command line with its environment-variable defaults. */
  public static CommandLine commandLine() {
    CommandLine line = new CommandLine(new VisageCommand());
    line.setDefaultValueProvider(ServerOptions::fromEnvironment);
    line.setCaseInsensitiveEnumValuesAllowed(true);
    return line;
  }

  public static void main(String[] args) {
    // gRPC and Netty log through java.util.logging; send it to the same place as everything else.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(commandLine().execute(args));
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
