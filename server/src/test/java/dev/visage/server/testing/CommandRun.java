package dev.visage.server.testing;

import dev.visage.server.cli.VisageCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of the {@code visage} command line in this JVM: its exit code and what it printed. */
public record CommandRun(int exit, String out, String err) {

  /** Runs {@code visage args...} as the launcher would, capturing standard output and error. */
  public static CommandRun visage(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line = VisageCommand.commandLine(args);
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    return new CommandRun(line.execute(args), out.toString(), err.toString());
  }
}
