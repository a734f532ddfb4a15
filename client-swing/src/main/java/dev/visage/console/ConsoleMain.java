package dev.visage.console;

import dev.visage.console.connection.SettingsStore;
import dev.visage.console.ui.MainWindow;
import java.util.prefs.Preferences;
import javax.swing.SwingUtilities;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Starts the operator console. */
public final class ConsoleMain {

  private ConsoleMain() {}

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    SwingUtilities.invokeLater(() -> {
      MainWindow.installLook();
      MainWindow window = new MainWindow(new SettingsStore(Preferences.userNodeForPackage(ConsoleMain.class)));
      window.setVisible(true);
    });
  }
}
