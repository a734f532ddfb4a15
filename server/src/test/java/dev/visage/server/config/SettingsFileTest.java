package dev.visage.server.config;

import static dev.visage.server.testing.CommandRun.visage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.testing.CommandRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings from a file: precedence, `visage config check` and `visage config show`. */
class SettingsFileTest {

  @TempDir Path dir;

  @Test
  void aFileSetsDefaultsAndFlagsWinOverIt() throws Exception {
    Path file = Files.writeString(dir.resolve("visage.properties"), """
        # the site's settings
        port = 50099
        max-message-bytes = 8388608
        threshold = 0.45
        hnsw-max-connections = 32
        """);
    ServerSettings fromFile = ServerOptions.parse("--config=" + file);
    assertEquals(50099, fromFile.network().port());
    assertEquals(8388608, fromFile.network().maxMessageBytes());
    assertEquals(0.45f, fromFile.recognition().threshold());
    assertEquals(32, fromFile.storage().vectors().maxConnections());
    ServerSettings flagWins = ServerOptions.parse("--config", file.toString(), "--port=7000");
    assertEquals(7000, flagWins.network().port());
    assertEquals(8388608, flagWins.network().maxMessageBytes());
  }

  @Test
  void checkAcceptsAGoodFileAndExplainsEveryProblemOfABadOne() throws Exception {
    Path good = Files.writeString(dir.resolve("good.properties"), "port = 50052\ndevice = cuda\nauth = keys\n");
    CommandRun ok = visage("config", "check", good.toString());
    assertEquals(0, ok.exit(), ok.err());
    assertTrue(ok.out().contains("3 setting(s), all valid"), ok.out());

    Path bad = Files.writeString(dir.resolve("bad.properties"), "prot = 50052\nmax-message-bytes = lots\ndevice = TPU\n");
    CommandRun refused = visage("config", "check", bad.toString());
    assertEquals(2, refused.exit());
    assertTrue(refused.err().contains("3 problem(s)"), refused.err());
    assertTrue(refused.err().contains("'prot' is not a setting (did you mean 'port'?)"), refused.err());
    assertTrue(refused.err().contains("max-message-bytes = lots"), refused.err());
    assertTrue(refused.err().contains("TPU"), refused.err());

    Path contradictory = Files.writeString(dir.resolve("half-tls.properties"), "tls-cert = /etc/visage/server.pem\n");
    CommandRun half = visage("config", "check", contradictory.toString());
    assertEquals(2, half.exit());
    assertTrue(half.err().contains("--tls-key"), half.err());

    CommandRun missing = visage("config", "check", dir.resolve("nowhere.properties").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("cannot be read"), missing.err());
  }

  @Test
  void showSaysWhereEachSettingComesFromAndMasksPasswords() throws Exception {
    // The mirror comes as a flag: CI exports VISAGE_MODEL_MIRROR, which would win over the file.
    Path file = Files.writeString(dir.resolve("visage.properties"), "threshold = 0.5\n");
    CommandRun show = visage("config", "show", "--config=" + file, "--port=50077",
        "--model-mirror=https://deploy:s3cret@models.example.org/visage");
    assertEquals(0, show.exit(), show.err());
    assertTrue(show.out().contains("--port = 50077 (flag)"), show.out());
    assertTrue(show.out().contains("--threshold = 0.5 (file " + file + ")"), show.out());
    assertTrue(show.out().contains("https://deploy:***@models.example.org/visage"), show.out());
    assertFalse(show.out().contains("s3cret"), "passwords are masked");
    assertTrue(show.out().contains("--max-message-bytes = 16777216 (default)"), show.out());
  }
}
