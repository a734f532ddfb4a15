package dev.visage.server.testing;

import dev.visage.server.Engine;
import dev.visage.server.config.ServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/** One engine with the real models for every test in the JVM that needs models but no server. */
public final class SharedEngine {

  private static Engine engine;

  private SharedEngine() {}

  public static synchronized Engine get() {
    if (engine == null) {
      try {
        Path scratch = Files.createTempDirectory("visage-engine");
        engine = Engine.load(ServerOptions.parse(
            "--data-dir=" + scratch, "--model-mirror=" + SharedData.models(), "--offline"));
      } catch (Exception e) {
        throw new IllegalStateException("the real models could not be loaded", e);
      }
    }
    return engine;
  }
}
