package dev.visage.server.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.visage.server.testing.ClipFrames;
import dev.visage.server.vision.BgrImage;
import dev.visage.server.vision.ImageDecoder;
import dev.visage.server.vision.ImageInput;
import dev.visage.server.vision.ImageLimits;
import dev.visage.server.vision.SceneChangeDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The clip cuts to a new shot three times; camera motion and people moving are not cuts. */
class SceneChangeTest {

  @Test
  void findsExactlyTheCutsOfTheClip() throws Exception {
    ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);
    List<Integer> cuts = new ArrayList<>();
    try (SceneChangeDetector detector = new SceneChangeDetector(TrackingSettings.DEFAULT.cutThreshold())) {
      List<byte[]> frames = ClipFrames.jpegs();
      for (int i = 0; i < frames.size(); i++) {
        try (BgrImage frame = decoder.decode(ImageInput.Encoded.of(frames.get(i)))) {
          if (detector.isCut(frame)) {
            cuts.add(i);
          }
        }
      }
    }
    assertEquals(List.of(20, 82, 211), cuts);
  }
}
