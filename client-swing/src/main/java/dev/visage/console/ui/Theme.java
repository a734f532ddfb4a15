package dev.visage.console.ui;

import com.formdev.flatlaf.FlatDarkLaf;
import java.awt.Color;
import java.awt.Font;
import javax.swing.UIManager;

/** The console's look: FlatLaf's dark theme, which scales with the screen's resolution. */
final class Theme {

  static final Color GOOD = new Color(0x2E, 0xCC, 0x71);
  static final Color WARNING = new Color(0xF3, 0x9C, 0x12);
  static final Color BAD = new Color(0xE7, 0x4C, 0x3C);
  static final Color MUTED = new Color(0x8A, 0x8F, 0x98);

  private Theme() {}

  static void install() {
    FlatDarkLaf.setup();
    UIManager.put("Component.arc", 8);
    UIManager.put("Button.arc", 8);
    UIManager.put("ScrollBar.width", 12);
  }

  static Font bold(Font font) {
    return font.deriveFont(Font.BOLD);
  }
}
