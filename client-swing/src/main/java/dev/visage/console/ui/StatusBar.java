package dev.visage.console.ui;

import dev.visage.console.connection.ServerConnection;
import dev.visage.console.video.LiveController;
import java.awt.Color;
import java.awt.FlowLayout;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.util.Locale;
import javax.swing.BorderFactory;
import javax.swing.Icon;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JSeparator;
import javax.swing.SwingConstants;

/** Connection state, live frame rate and latency, and the latest message for the operator. */
final class StatusBar extends JPanel {

  private final JLabel connection = new JLabel();
  private final JLabel live = new JLabel("no video");
  private final JLabel message = new JLabel(" ");

  StatusBar() {
    super(new FlowLayout(FlowLayout.LEFT, 10, 3));
    setBorder(BorderFactory.createMatteBorder(1, 0, 0, 0, new Color(0x3C, 0x3F, 0x41)));
    connection.setName("connection");
    live.setName("liveStats");
    message.setName("message");
    add(connection);
    add(new JSeparator(SwingConstants.VERTICAL));
    add(live);
    add(new JSeparator(SwingConstants.VERTICAL));
    add(message);
  }

  void connection(ServerConnection.Status status) {
    Color colour = switch (status.state()) {
      case SERVING -> Theme.GOOD;
      case CONNECTING, NOT_SERVING -> Theme.WARNING;
      case UNREACHABLE -> Theme.BAD;
    };
    connection.setIcon(new Dot(colour));
    connection.setText(switch (status.state()) {
      case SERVING -> "Connected: " + status.detail();
      case CONNECTING -> "Connecting: " + status.detail();
      case NOT_SERVING -> "Not ready: " + status.detail();
      case UNREACHABLE -> "Unreachable: " + status.detail();
    });
    connection.setToolTipText(connection.getText());
  }

  void live(LiveController.Stats stats) {
    live.setText(String.format(Locale.ROOT, "%s  %.1f fps  %.0f ms  %d dropped  %d faces",
        stats.source(), stats.fps(), stats.latencyMs(), stats.dropped(), stats.faces()));
  }

  void liveStopped() {
    live.setText("no video");
  }

  void message(String text, boolean problem) {
    message.setForeground(problem ? Theme.BAD : Theme.MUTED);
    message.setText(text == null || text.isEmpty() ? " " : text);
    message.setToolTipText(text);
  }

  String connectionText() {
    return connection.getText();
  }

  /** A round coloured marker. */
  private record Dot(Color colour) implements Icon {
    @Override
    public void paintIcon(java.awt.Component c, Graphics graphics, int x, int y) {
      Graphics2D g = (Graphics2D) graphics.create();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(colour);
      g.fillOval(x, y + 1, getIconWidth() - 2, getIconHeight() - 2);
      g.dispose();
    }

    @Override
    public int getIconWidth() {
      return 12;
    }

    @Override
    public int getIconHeight() {
      return 12;
    }
  }
}
