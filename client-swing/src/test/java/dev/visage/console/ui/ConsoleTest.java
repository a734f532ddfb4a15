package dev.visage.console.ui;

import static dev.visage.console.ui.Screens.await;
import static dev.visage.console.ui.Screens.capture;
import static dev.visage.console.ui.Screens.count;
import static dev.visage.console.ui.Screens.find;
import static dev.visage.console.ui.Screens.onEdt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.console.connection.ConnectionSettings;
import dev.visage.console.connection.SettingsStore;
import dev.visage.console.video.GrabberSource;
import dev.visage.console.video.Overlay;
import dev.visage.server.testing.SharedData;
import dev.visage.server.testing.TestServer;
import java.awt.Component;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Window;
import java.awt.event.KeyEvent;
import java.awt.image.BufferedImage;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.prefs.Preferences;
import javax.swing.JButton;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JTable;
import javax.swing.JTextField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console on a real (virtual) display against a real server with the real models, photos as
 * the camera. Each state is saved as a screenshot under target/screenshots and the screenshots
 * are checked for the overlay's colours: green boxes and labels for known faces, amber for unknown.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleTest {

  @TempDir
  static Path data;

  private static int port;
  private static TestServer server;
  private static Preferences preferences;
  private static MainWindow window;

  @BeforeAll
  static void start() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    server = TestServer.start(data, "--port=" + port);
    preferences = Preferences.userRoot().node("dev/visage/console-tests/" + UUID.randomUUID());
    SettingsStore settings = new SettingsStore(preferences);
    settings.save(new ConnectionSettings("127.0.0.1", port, false, "", "", false));
    window = onEdt(() -> {
      MainWindow.installLook();
      MainWindow created = new MainWindow(settings);
      created.setVisible(true);
      created.toFront();
      return created;
    });
    await("the console says it is connected", () -> status().startsWith("Connected"), 30);
  }

  @AfterAll
  static void stop() throws Exception {
    onEdt(() -> window.dispose());
    if (server != null) {
      server.close();
    }
    preferences.removeNode();
  }

  private static String status() {
    return window.statusBar().connectionText();
  }

  private static Rectangle videoArea() throws Exception {
    return Screens.area(window, find(window.getContentPane(), "video", Component.class));
  }

  private static int known(BufferedImage shot, Rectangle area) {
    return count(shot, area, Overlay.KNOWN, 12);
  }

  private static int unknown(BufferedImage shot, Rectangle area) {
    return count(shot, area, Overlay.UNKNOWN, 12);
  }

  private static void clickLater(JButton button) {
    javax.swing.SwingUtilities.invokeLater(button::doClick);
  }

  /** The option dialog that appears next, once it is showing. */
  private static JDialog awaitDialog(String title) throws InterruptedException {
    JDialog[] dialog = new JDialog[1];
    await("the dialog '" + title + "' appears", () -> {
      for (Window w : Window.getWindows()) {
        if (w instanceof JDialog d && d.isShowing() && title.equals(d.getTitle())) {
          dialog[0] = d;
          return true;
        }
      }
      return false;
    }, 10);
    return dialog[0];
  }

  private static JButton buttonLabelled(JDialog dialog, String text) {
    return findByText(dialog, JButton.class, text);
  }

  @Test
  @Order(1)
  void enrollFromCapturedShotsThenSeeTheNameOverThePerson() throws Exception {
    window.startPhotos(List.of(SharedData.photo("rose_leslie/img2.jpg")), 10);
    await("the face is seen", () -> window.eventLog().eventCount() > 0, 30);
    Thread.sleep(500);
    BufferedImage before = capture(window, "1-live-unknown");
    assertTrue(unknown(before, videoArea()) > 200, "an unknown face is boxed in amber");
    assertEquals(0, known(before, videoArea()), "nobody is named yet");

    onEdt(() -> {
      window.tabs().setSelectedIndex(0);
      find(window.getContentPane(), "enrollName", JTextField.class).setText("Rose Leslie");
      window.getContentPane().requestFocusInWindow();
    });
    // Two shots with the S key, as operators are used to, and one with the button.
    Robot robot = new Robot();
    for (int i = 0; i < 2; i++) {
      onEdt(() -> find(window.getContentPane(), "video", Component.class).requestFocusInWindow());
      robot.waitForIdle();
      robot.keyPress(KeyEvent.VK_S);
      robot.keyRelease(KeyEvent.VK_S);
      robot.waitForIdle();
      Thread.sleep(200);
    }
    onEdt(() -> find(window.getContentPane(), "capture", JButton.class).doClick());
    await("three shots", () -> shots().size() == 3, 10);
    java.awt.Container third = (java.awt.Container) shots().get(2);
    onEdt(() -> find(third, "removeShot", JButton.class).doClick());
    assertEquals(2, shots().size(), "a shot can be removed");

    onEdt(() -> find(window.getContentPane(), "enroll", JButton.class).doClick());
    await("both shots are enrolled", () -> outcomes().stream().filter(text -> text.contains("enrolled")).count() == 2, 30);
    capture(window, "2-enrolled-shots");

    await("the live view names her", () -> window.eventLog().namesGiven().contains("Rose Leslie"), 30);
    Thread.sleep(500);
    BufferedImage after = capture(window, "3-live-known");
    assertTrue(known(after, videoArea()) > 200, "her face is boxed and labelled in green");
    assertEquals(0, unknown(after, videoArea()), "and no longer amber");
  }

  private static List<Component> shots() {
    try {
      return onEdt(() -> {
        Component strip = find(window.getContentPane(), "enrollPanel", Component.class);
        return collect((java.awt.Container) strip, "shot");
      });
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> outcomes() {
    return shots().stream().map(shot -> find((java.awt.Container) shot, "shotOutcome", JLabel.class).getText()).toList();
  }

  private static List<Component> collect(java.awt.Container root, String name) {
    List<Component> found = new java.util.ArrayList<>();
    for (Component child : root.getComponents()) {
      if (name.equals(child.getName())) {
        found.add(child);
      } else if (child instanceof java.awt.Container container) {
        found.addAll(collect(container, name));
      }
    }
    return found;
  }

  @Test
  @Order(2)
  void renameInTheGalleryShowsInTheLiveView() throws Exception {
    onEdt(() -> window.tabs().setSelectedIndex(1));
    JTable table = find(window.getContentPane(), "galleryTable", JTable.class);
    await("the gallery lists her", () -> rowOf(table, "Rose Leslie") >= 0, 10);
    onEdt(() -> table.setRowSelectionInterval(rowOf(table, "Rose Leslie"), rowOf(table, "Rose Leslie")));
    clickLater(find(window.getContentPane(), "rename", JButton.class));
    JDialog dialog = awaitDialog("Rename");
    onEdt(() -> {
      findByText(dialog, JTextField.class, null).setText("Rose Leslie (Ygritte)");
      buttonLabelled(dialog, "OK").doClick();
    });
    await("the table shows the new name", () -> rowOf(table, "Rose Leslie (Ygritte)") >= 0, 10);
    capture(window, "4-gallery-renamed");
    onEdt(() -> window.tabs().setSelectedIndex(0));
    await("the live label follows", () -> liveNames().contains("Rose Leslie (Ygritte)"), 10);
  }

  private static List<String> liveNames() {
    return window.eventLog().namesGiven();
  }

  private static int rowOf(JTable table, String name) {
    try {
      return onEdt(() -> {
        for (int row = 0; row < table.getRowCount(); row++) {
          if (name.equals(table.getValueAt(row, 0))) {
            return row;
          }
        }
        return -1;
      });
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Order(3)
  void deletingThePersonTurnsTheLabelUnknown() throws Exception {
    onEdt(() -> window.tabs().setSelectedIndex(1));
    JTable table = find(window.getContentPane(), "galleryTable", JTable.class);
    await("the gallery lists her", () -> rowOf(table, "Rose Leslie (Ygritte)") >= 0, 10);
    onEdt(() -> table.setRowSelectionInterval(rowOf(table, "Rose Leslie (Ygritte)"), rowOf(table, "Rose Leslie (Ygritte)")));
    clickLater(find(window.getContentPane(), "deletePerson", JButton.class));
    JDialog confirm = awaitDialog("Delete person");
    capture(window, "5-delete-confirmation");
    onEdt(() -> buttonLabelled(confirm, "OK").doClick());
    await("she is gone from the table", () -> rowOf(table, "Rose Leslie (Ygritte)") < 0, 10);

    onEdt(() -> window.tabs().setSelectedIndex(0));
    Thread.sleep(1500);
    BufferedImage after = capture(window, "6-live-after-delete");
    assertEquals(0, known(after, videoArea()), "the deleted person is never named again");
    assertTrue(unknown(after, videoArea()) > 200, "her face is unknown again");
  }

  @Test
  @Order(4)
  void enrollFromFilesWithAPerShotVerdict() throws Exception {
    onEdt(() -> {
      window.tabs().setSelectedIndex(0);
      find(window.getContentPane(), "clearShots", JButton.class).doClick();
      find(window.getContentPane(), "enrollName", JTextField.class).setText("Barack Obama");
      window.enrollPanel().addFiles(List.of(SharedData.photo("obama/obama.jpg"), SharedData.photo("obama/obama1.jpg"),
          SharedData.photo("_noface/rocket.jpg")));
    });
    await("three shots", () -> shots().size() == 3, 10);
    onEdt(() -> find(window.getContentPane(), "enroll", JButton.class).doClick());
    await("verdicts for every shot", () -> outcomes().stream().noneMatch(text -> text.equals("ready")), 30);
    assertEquals(List.of("\u2713 enrolled", "\u2713 enrolled", "\u2717 no face"), outcomes());
    capture(window, "7-enrolled-from-files");
  }

  @Test
  @Order(5)
  void identifyFromFileBoxesAndNamesEveryFace() throws Exception {
    onEdt(() -> {
      window.tabs().setSelectedIndex(2);
      window.identifyPanel().identify(SharedData.photo("_group/obama_and_biden.jpg"));
    });
    await("the photo is identified", () -> window.identifyPanel().summary().contains("3 face(s), 1 named"), 30);
    assertTrue(window.identifyPanel().faceLines().stream().anyMatch(line -> line.startsWith("Barack Obama")));
    Thread.sleep(300);
    BufferedImage shot = capture(window, "8-identify-from-file");
    Rectangle picture = Screens.area(window, find(window.getContentPane(), "identifyPicture", Component.class));
    assertTrue(known(shot, picture) > 100, "Obama is boxed in green");
    assertTrue(unknown(shot, picture) > 100, "the other two are boxed in amber");
  }

  @Test
  @Order(6)
  void theServerGoingAwayAndComingBackIsShownAndSurvived() throws Exception {
    onEdt(() -> window.tabs().setSelectedIndex(0));
    server.close();
    server = null;
    await("the console says the server is unreachable", () -> status().startsWith("Unreachable"), 20);
    String message = window.statusBar().messageText();
    assertTrue(message.contains("server") && !message.contains("Exception"), "a sentence for the operator: " + message);
    capture(window, "9-server-down");
    int before = window.eventLog().eventCount();

    server = TestServer.start(data, "--port=" + port);
    await("the console reconnects by itself", () -> status().startsWith("Connected"), 30);
    try {
      await("live recognition resumes", () -> window.eventLog().eventCount() > before, 30);
    } catch (AssertionError e) {
      capture(window, "10-server-back-failed");
      throw new AssertionError(e.getMessage() + "; status: " + window.statusBar().messageText(), e);
    }
    Thread.sleep(500);
    BufferedImage back = capture(window, "10-server-back");
    assertTrue(known(back, videoArea()) + unknown(back, videoArea()) > 200, "the live view boxes the face again");
  }

  @Test
  @Order(7)
  void theClipWithLinManuelMirandaForTheReadme() throws Exception {
    onEdt(() -> {
      find(window.getContentPane(), "clearShots", JButton.class).doClick();
      find(window.getContentPane(), "enrollName", JTextField.class).setText("Lin-Manuel Miranda");
      window.enrollPanel().addFiles(List.of(SharedData.photo("lin_manuel_miranda/lin-manuel-miranda.png")));
    });
    await("one shot", () -> shots().size() == 1, 10);
    onEdt(() -> find(window.getContentPane(), "enroll", JButton.class).doClick());
    await("enrolled", () -> outcomes().equals(List.of("\u2713 enrolled")), 30);
    window.startLive(GrabberSource.file(SharedData.video()));
    await("he is recognised in the clip", () -> window.eventLog().namesGiven().contains("Lin-Manuel Miranda"), 60);
    Thread.sleep(1200);
    BufferedImage shot = capture(window, "console");
    assertTrue(known(shot, videoArea()) > 200, "his face is labelled in green");
  }

  /** A component of the given type whose text is {@code text} (any text when null). */
  private static <T extends Component> T findByText(java.awt.Container root, Class<T> type, String text) {
    for (Component child : root.getComponents()) {
      if (type.isInstance(child) && (text == null || text.equals(textOf(child)))) {
        return type.cast(child);
      }
      if (child instanceof java.awt.Container container) {
        try {
          return findByText(container, type, text);
        } catch (AssertionError notHere) {
          // keep looking
        }
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + (text == null ? "" : " '" + text + "'"));
  }

  private static String textOf(Component component) {
    if (component instanceof JButton button) {
      return button.getText();
    }
    return null;
  }
}
