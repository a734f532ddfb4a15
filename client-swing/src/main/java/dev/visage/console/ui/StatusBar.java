package dev.visage.console.ui;

import dev.visage.console.connection.ServerConnection;
import dev.visage.console.video.LiveController;
import java.awt.Color;
import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.util.Locale;
import javax.swing.BorderFactory;
import javax.swing.Icon;
import javax.swing.JLabel;
import javax.swing.JPanel;

/** Connection state, live frame rate and latency, and the latest message for the operator. */
final class StatusBar extends JPanel {

  private final JLabel connection = new JLabel();
  private final JLabel live = new JLabel("no video");
  private final JLabel message = new JLabel(" ");
  private String unreachableMessage = "";

  StatusBar() {
    super(new BorderLayout(12, 0));
    setBorder(BorderFactory.createCompoundBorder(
        BorderFactory.createMatteBorder(1, 0, 0, 0, new Color(0x3C, 0x3F, 0x41)),
        BorderFactory.createEmptyBorder(3, 8, 3, 8)));
    connection.setName("connection");
    live.setName("liveStats");
    message.setName("message");
    connection.setPreferredSize(new Dimension(260, connection.getPreferredSize().height));
    add(connection, BorderLayout.WEST);
    add(message, BorderLayout.CENTER);
    add(live, BorderLayout.EAST);
  }

  void connection(ServerConnection.Status status) {
    Color colour = switch (status.state()) {
      case SERVING -> Theme.GOOD;
      case CONNECTING, NOT_SERVING -> Theme.WARNING;
      case UNREACHABLE -> Theme.BAD;
    };
    connection.setIcon(new Dot(colour));
    connection.setText(switch (status.state()) {
      case SERVING -> "Connected to " + status.address();
      case CONNECTING -> "Connecting to " + status.address();
      case NOT_SERVING -> "Not ready: " + status.address();
      case UNREACHABLE -> "Unreachable: " + status.address();
    });
    connection.setToolTipText(status.reason().isEmpty() ? connection.getText() : status.reason());
    if (!status.reason().isEmpty()) {
      message(status.reason(), true);
      unreachableMessage = status.reason();
    } else if (message.getText().equals(unreachableMessage)) {
      message("", false); // the problem is over
    }
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

  String messageText() {
    return message.getText();
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
