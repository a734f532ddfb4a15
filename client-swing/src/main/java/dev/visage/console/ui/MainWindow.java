package dev.visage.console.ui;

import dev.visage.api.v1.Camera;
import dev.visage.api.v1.CameraServiceGrpc;
import dev.visage.api.v1.ListCamerasRequest;
import dev.visage.api.v1.TrackEvent;
import dev.visage.console.connection.ConnectionSettings;
import dev.visage.console.connection.ErrorMessages;
import dev.visage.console.connection.ServerConnection;
import dev.visage.console.connection.SettingsStore;
import dev.visage.console.video.CameraWatch;
import dev.visage.console.video.FrameSource;
import dev.visage.console.video.GrabberSource;
import dev.visage.console.video.LiveController;
import dev.visage.console.video.PhotoSequenceSource;
import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.KeyboardFocusManager;
import java.awt.Toolkit;
import java.awt.event.ActionEvent;
import java.awt.event.KeyEvent;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.swing.AbstractAction;
import javax.swing.JCheckBoxMenuItem;
import javax.swing.JFileChooser;
import javax.swing.JFrame;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JSplitPane;
import javax.swing.JTabbedPane;
import javax.swing.KeyStroke;
import javax.swing.text.JTextComponent;

/**
 * The console's window: the live view with enrollment beside it and the event log below, the
 * gallery, and identify from file, over a status bar. Everything slow happens off the event thread;
 * results come back to it through callbacks.
 */
public final class MainWindow extends JFrame implements LiveController.Listener {

  private final SettingsStore settings;
  private final ServerConnection connection;
  private final StatusBar status = new StatusBar();
  private final VideoPanel video = new VideoPanel();
  private final EventLogPanel events = new EventLogPanel();
  private final LiveController live;
  private final EnrollPanel enroll;
  private final GalleryPanel gallery;
  private final IdentifyPanel identify;
  private final JTabbedPane tabs = new JTabbedPane();
  private final JCheckBoxMenuItem showTrackIds = new JCheckBoxMenuItem("Show track ids (T)");
  private CameraWatch watch;

  public MainWindow(SettingsStore settings) {
    super("Visage console");
    this.settings = settings;
    this.connection = new ServerConnection(settings.load());
    this.live = new LiveController(connection, video.frames(), video::repaint, this);
    this.gallery = new GalleryPanel(connection, status);
    this.enroll = new EnrollPanel(connection, live::latestJpeg, gallery::reload, status);
    this.identify = new IdentifyPanel(connection, status);
    setName("mainWindow");
    tabs.setName("tabs");

    JSplitPane videoAndEvents = new JSplitPane(JSplitPane.VERTICAL_SPLIT, video, events);
    videoAndEvents.setResizeWeight(0.8);
    events.setPreferredSize(new Dimension(800, 140));
    JSplitPane liveTab = new JSplitPane(JSplitPane.HORIZONTAL_SPLIT, videoAndEvents, enroll);
    liveTab.setResizeWeight(1.0);
    enroll.setPreferredSize(new Dimension(300, 400));
    enroll.setMinimumSize(new Dimension(260, 200));
    tabs.addTab("Live", liveTab);
    tabs.addTab("Gallery", gallery);
    tabs.addTab("Identify", identify);
    tabs.addChangeListener(e -> {
      if (tabs.getSelectedComponent() == gallery) {
        gallery.reload();
      }
    });

    JPanel content = new JPanel(new BorderLayout());
    content.add(tabs, BorderLayout.CENTER);
    content.add(status, BorderLayout.SOUTH);
    setContentPane(content);
    setJMenuBar(menus());
    installSingleKeyShortcuts();

    connection.addListener(state -> {
      status.connection(state);
      if (state.state() == ServerConnection.State.SERVING) {
        gallery.reload();
        enroll.refreshPersons();
      }
    });
    setDefaultCloseOperation(DISPOSE_ON_CLOSE);
    addWindowListener(new WindowAdapter() {
      @Override
      public void windowClosed(WindowEvent e) {
        shutdown();
      }
    });
    setMinimumSize(new Dimension(900, 560));
    setSize(1280, 800);
    setLocationByPlatform(true);
  }

  private JMenuBar menus() {
    int shortcut = Toolkit.getDefaultToolkit().getMenuShortcutKeyMaskEx();
    JMenu file = new JMenu("File");
    file.add(item("Identify a photo...", KeyStroke.getKeyStroke(KeyEvent.VK_O, shortcut), () -> {
      tabs.setSelectedComponent(identify);
      identify.choose();
    }));
    file.add(item("Quit", KeyStroke.getKeyStroke(KeyEvent.VK_Q, shortcut), this::dispose));

    JMenu liveMenu = new JMenu("Live");
    liveMenu.add(item("Local camera...", KeyStroke.getKeyStroke(KeyEvent.VK_K, shortcut), this::chooseCamera));
    liveMenu.add(item("Video file...", null, this::chooseVideo));
    liveMenu.add(item("Stream URL...", null, this::chooseUrl));
    liveMenu.add(item("Photos as a camera...", null, this::choosePhotos));
    liveMenu.add(item("Watch a server camera...", null, this::chooseServerCamera));
    liveMenu.addSeparator();
    liveMenu.add(item("Stop", KeyStroke.getKeyStroke(KeyEvent.VK_PERIOD, shortcut), this::stopLive));
    liveMenu.addSeparator();
    showTrackIds.addActionListener(e -> setShowTrackIds(showTrackIds.isSelected()));
    liveMenu.add(showTrackIds);

    JMenu server = new JMenu("Server");
    server.add(item("Connection...", KeyStroke.getKeyStroke(KeyEvent.VK_COMMA, shortcut), this::editConnection));

    JMenu help = new JMenu("Help");
    help.add(item("Keyboard shortcuts", KeyStroke.getKeyStroke("F1"), () -> JOptionPane.showMessageDialog(this,
        "S  capture a shot from the live view\nT  show or hide track ids\nCtrl+K  local camera\nCtrl+.  stop the live view\n"
            + "Ctrl+O  identify a photo\nCtrl+,  connection\nF5  reload the gallery\nF2  rename the selected person\n"
            + "Delete  delete the selected person", "Keyboard shortcuts", JOptionPane.INFORMATION_MESSAGE)));

    JMenuBar bar = new JMenuBar();
    bar.add(file);
    bar.add(liveMenu);
    bar.add(server);
    bar.add(help);
    return bar;
  }

  private static JMenuItem item(String title, KeyStroke key, Runnable action) {
    JMenuItem item = new JMenuItem(new AbstractAction(title) {
      @Override
      public void actionPerformed(ActionEvent e) {
        action.run();
      }
    });
    if (key != null) {
      item.setAccelerator(key);
    }
    return item;
  }

  /** S captures, T toggles track ids: single keys, so never while the operator is typing. */
  private void installSingleKeyShortcuts() {
    KeyboardFocusManager.getCurrentKeyboardFocusManager().addKeyEventDispatcher(event -> {
      if (event.getID() != KeyEvent.KEY_PRESSED || event.getModifiersEx() != 0 || !isActive()
          || event.getComponent() instanceof JTextComponent || tabs.getSelectedIndex() != 0) {
        return false;
      }
      if (event.getKeyCode() == KeyEvent.VK_S) {
        enroll.capture();
        return true;
      }
      if (event.getKeyCode() == KeyEvent.VK_T) {
        showTrackIds.setSelected(!showTrackIds.isSelected());
        setShowTrackIds(showTrackIds.isSelected());
        return true;
      }
      return false;
    });
  }

  private void setShowTrackIds(boolean show) {
    live.setShowTrackIds(show);
    if (watch != null) {
      watch.setShowTrackIds(show);
    }
  }

  // ---- sources --------------------------------------------------------------------------------

  /** Shows a source live with recognition (what the Live menu's choices lead to). */
  public void startLive(FrameSource source) {
    stopWatching();
    video.setPlaceholder("Opening " + source.describe() + "...");
    tabs.setSelectedIndex(0);
    live.start(source);
    status.message("Live: " + source.describe(), false);
  }

  private void chooseCamera() {
    Object index = JOptionPane.showInputDialog(this, "Camera number (0 is the first):", "Local camera",
        JOptionPane.PLAIN_MESSAGE, null, null, "0");
    if (index != null) {
      try {
        startLive(GrabberSource.camera(Integer.parseInt(index.toString().strip())));
      } catch (NumberFormatException e) {
        status.message("A camera number is 0, 1, 2...", true);
      }
    }
  }

  private void chooseVideo() {
    JFileChooser chooser = new JFileChooser();
    if (chooser.showOpenDialog(this) == JFileChooser.APPROVE_OPTION) {
      startLive(GrabberSource.file(chooser.getSelectedFile().toPath()));
    }
  }

  private void chooseUrl() {
    Object url = JOptionPane.showInputDialog(this, "Stream URL (rtsp://, http://...):", "Stream", JOptionPane.PLAIN_MESSAGE,
        null, null, "rtsp://");
    if (url != null && !url.toString().isBlank()) {
      startLive(GrabberSource.url(url.toString().strip()));
    }
  }

  private void choosePhotos() {
    JFileChooser chooser = new JFileChooser();
    chooser.setMultiSelectionEnabled(true);
    if (chooser.showOpenDialog(this) == JFileChooser.APPROVE_OPTION) {
      startLive(new PhotoSequenceSource(Arrays.stream(chooser.getSelectedFiles()).map(File::toPath).toList(), 10));
    }
  }

  private void chooseServerCamera() {
    ServerConnection.onEventThread(
        CameraServiceGrpc.newFutureStub(connection.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
            .listCameras(ListCamerasRequest.getDefaultInstance()),
        response -> {
          if (response.getCamerasCount() == 0) {
            status.message("The server reads no cameras; add one with CameraService/AddCamera.", true);
            return;
          }
          String[] names = response.getCamerasList().stream()
              .map(c -> c.getName() + " (" + c.getState().name().replace("CAMERA_STATE_", "").toLowerCase() + ")")
              .toArray(String[]::new);
          Object chosen = JOptionPane.showInputDialog(this, "Camera:", "Watch a server camera", JOptionPane.PLAIN_MESSAGE,
              null, names, names[0]);
          if (chosen != null) {
            watchServerCamera(response.getCameras(Arrays.asList(names).indexOf(chosen)));
          }
        },
        error -> status.message("The cameras could not be listed: " + ErrorMessages.describe(error), true));
  }

  /** Watches a camera the server reads itself. */
  public void watchServerCamera(Camera camera) {
    live.stop();
    stopWatching();
    video.setPlaceholder("Waiting for " + camera.getName() + "...");
    watch = new CameraWatch(connection, camera.getCameraId(), camera.getName(), video.frames(), video::repaint, this);
    watch.setShowTrackIds(showTrackIds.isSelected());
    status.message("Watching the server camera " + camera.getName() + " (the server sends faces, not video)", false);
  }

  private void stopWatching() {
    if (watch != null) {
      watch.close();
      watch = null;
    }
  }

  private void stopLive() {
    live.stop();
    stopWatching();
    status.liveStopped();
  }

  private void editConnection() {
    ConnectionDialog.ask(this, connection.settings()).ifPresent(this::reconnect);
  }

  /** Switches to another server (what the Connection dialog does). */
  public void reconnect(ConnectionSettings newSettings) {
    try {
      connection.connect(newSettings);
      settings.save(newSettings);
    } catch (IllegalArgumentException e) {
      status.message(e.getMessage(), true);
    }
  }

  // ---- LiveController.Listener ----------------------------------------------------------------

  @Override
  public void stats(LiveController.Stats stats) {
    status.live(stats);
  }

  @Override
  public void event(TrackEvent event) {
    events.add(event);
  }

  @Override
  public void problem(String message) {
    if (message != null) {
      status.message(message, true);
    }
  }

  @Override
  public void stopped(String why) {
    status.liveStopped();
    if (!"stopped".equals(why)) {
      status.message("Live view: " + why, true);
    }
  }

  private void shutdown() {
    live.close();
    stopWatching();
    connection.close();
  }

  /** Installs the console's look; call once, on the event thread, before creating windows. */
  public static void installLook() {
    Theme.install();
  }

  // ---- for tests and embedding -----------------------------------------------------------------

  public ServerConnection connection() {
    return connection;
  }

  EnrollPanel enrollPanel() {
    return enroll;
  }

  GalleryPanel galleryPanel() {
    return gallery;
  }

  IdentifyPanel identifyPanel() {
    return identify;
  }

  EventLogPanel eventLog() {
    return events;
  }

  StatusBar statusBar() {
    return status;
  }

  JTabbedPane tabs() {
    return tabs;
  }

  /** A convenience for tests and demos: photos as a camera. */
  public void startPhotos(java.util.List<Path> photos, double fps) {
    startLive(new PhotoSequenceSource(photos, fps));
  }
}
