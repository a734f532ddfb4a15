package dev.visage.console.ui;

import java.awt.Color;
import java.awt.Component;
import java.awt.Container;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import javax.swing.JFrame;
import javax.swing.SwingUtilities;

/** Helpers for driving the real console in tests: the event thread, components, screenshots. */
final class Screens {

  static final Path SHOTS = Path.of("target", "screenshots");

  private Screens() {}

  /** Runs on the Swing event thread (at once when already there) and returns the result. */
  static <T> T onEdt(Callable<T> work) throws Exception {
    if (SwingUtilities.isEventDispatchThread()) {
      return work.call();
    }
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    SwingUtilities.invokeAndWait(() -> {
      try {
        result.set(work.call());
      } catch (Exception e) {
        failure.set(e);
      }
    });
    if (failure.get() != null) {
      throw failure.get();
    }
    return result.get();
  }

  static void onEdt(Runnable work) throws Exception {
    if (SwingUtilities.isEventDispatchThread()) {
      work.run();
    } else {
      SwingUtilities.invokeAndWait(work);
    }
  }

  /** The component of that name and type under {@code root}. */
  static <T extends Component> T find(Container root, String name, Class<T> type) {
    for (Component child : root.getComponents()) {
      if (type.isInstance(child) && name.equals(child.getName())) {
        return type.cast(child);
      }
      if (child instanceof Container container) {
        T found = findOrNull(container, name, type);
        if (found != null) {
          return found;
        }
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " named " + name);
  }

  private static <T extends Component> T findOrNull(Container root, String name, Class<T> type) {
    try {
      return find(root, name, type);
    } catch (AssertionError missing) {
      return null;
    }
  }

  static void await(String what, BooleanSupplier condition, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + seconds + " s waiting until " + what);
      }
      Thread.sleep(100);
    }
  }

  /** Paints the whole window into an image and saves it as target/screenshots/NAME.png. */
  static BufferedImage capture(JFrame window, String name) throws Exception {
    BufferedImage shot = onEdt(() -> {
      Component root = window.getRootPane();
      BufferedImage image = new BufferedImage(root.getWidth(), root.getHeight(), BufferedImage.TYPE_INT_RGB);
      root.paint(image.getGraphics());
      return image;
    });
    Files.createDirectories(SHOTS);
    ImageIO.write(shot, "png", SHOTS.resolve(name + ".png").toFile());
    return shot;
  }

  /** Where a component lies in a window screenshot. */
  static Rectangle area(JFrame window, Component component) throws Exception {
    return onEdt(() -> SwingUtilities.convertRectangle(component.getParent(), component.getBounds(), window.getRootPane()));
  }

  /** How many pixels of the area are within {@code tolerance} of the colour in every channel. */
  static int count(BufferedImage image, Rectangle area, Color colour, int tolerance) {
    int found = 0;
    for (int y = Math.max(0, area.y); y < Math.min(image.getHeight(), area.y + area.height); y++) {
      for (int x = Math.max(0, area.x); x < Math.min(image.getWidth(), area.x + area.width); x++) {
        int rgb = image.getRGB(x, y);
        if (Math.abs(((rgb >> 16) & 0xff) - colour.getRed()) <= tolerance
            && Math.abs(((rgb >> 8) & 0xff) - colour.getGreen()) <= tolerance
            && Math.abs((rgb & 0xff) - colour.getBlue()) <= tolerance) {
          found++;
        }
      }
    }
    return found;
  }
}
