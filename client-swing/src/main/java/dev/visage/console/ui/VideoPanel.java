package dev.visage.console.ui;

import dev.visage.console.video.TripleBuffer;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import javax.swing.JComponent;

/**
 * Paints the newest composed frame, scaled to fit and centred. The frame, boxes and labels are
 * already drawn by the capture thread; painting is only a scaled copy.
 */
final class VideoPanel extends JComponent {

  private final TripleBuffer frames = new TripleBuffer();
  private volatile String placeholder = "No video. Choose a source in the Live menu.";

  VideoPanel() {
    setName("video");
    setOpaque(true);
    setBackground(new Color(0x1E, 0x1F, 0x22));
    setPreferredSize(new Dimension(800, 450));
    setMinimumSize(new Dimension(320, 180));
  }

  TripleBuffer frames() {
    return frames;
  }

  void setPlaceholder(String text) {
    placeholder = text;
    repaint();
  }

  @Override
  protected void paintComponent(Graphics graphics) {
    Graphics2D g = (Graphics2D) graphics;
    g.setColor(getBackground());
    g.fillRect(0, 0, getWidth(), getHeight());
    BufferedImage frame = frames.front();
    if (frame == null) {
      g.setColor(Theme.MUTED);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      int width = g.getFontMetrics().stringWidth(placeholder);
      g.drawString(placeholder, (getWidth() - width) / 2, getHeight() / 2);
      return;
    }
    double scale = Math.min(getWidth() / (double) frame.getWidth(), getHeight() / (double) frame.getHeight());
    int width = (int) Math.round(frame.getWidth() * scale);
    int height = (int) Math.round(frame.getHeight() * scale);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(frame, (getWidth() - width) / 2, (getHeight() - height) / 2, width, height, null);
  }
}
