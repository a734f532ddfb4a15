package dev.visage.console.video;

import dev.visage.api.v1.BoundingBox;
import dev.visage.api.v1.Candidate;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.util.Locale;

/**
 * Draws a face's box and label: the name and similarity of a known person in green, "unknown" in
 * amber, the track id on request. Boxes are drawn without antialiasing, in exactly these colours.
 */
public final class Overlay {

  /** The colour of known faces. */
  public static final Color KNOWN = new Color(0x2E, 0xCC, 0x71);
  /** The colour of unknown faces. */
  public static final Color UNKNOWN = new Color(0xFF, 0xA6, 0x00);

  private Overlay() {}

  /** A face to draw, in the image's pixels. */
  public record Face(BoundingBox box, Candidate identity, long trackId) {}

  public static void draw(Graphics2D g, Face face, int imageWidth, boolean showTrackIds) {
    boolean known = face.identity() != null;
    Color colour = known ? KNOWN : UNKNOWN;
    int stroke = Math.max(2, imageWidth / 320);
    int x = Math.round(face.box().getX());
    int y = Math.round(face.box().getY());
    int w = Math.round(face.box().getWidth());
    int h = Math.round(face.box().getHeight());
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
    g.setColor(colour);
    g.setStroke(new BasicStroke(stroke));
    g.drawRect(x, y, w, h);

    String label = known
        ? String.format(Locale.ROOT, "%s %.2f", face.identity().getDisplayName(), face.identity().getSimilarity())
        : "unknown";
    if (showTrackIds && face.trackId() > 0) {
      label = "#" + face.trackId() + " " + label;
    }
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(12, imageWidth / 50)));
    FontMetrics metrics = g.getFontMetrics();
    int textWidth = metrics.stringWidth(label) + 8;
    int textHeight = metrics.getHeight() + 2;
    int labelY = y - textHeight >= 0 ? y - textHeight : y + h;
    g.fillRect(x - stroke / 2, labelY, textWidth, textHeight);
    g.setColor(Color.BLACK);
    g.drawString(label, x + 4 - stroke / 2, labelY + metrics.getAscent() + 1);
  }
}
