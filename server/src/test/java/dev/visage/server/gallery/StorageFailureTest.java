package dev.visage.server.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the disk refuses a write, the change fails cleanly and leaves nothing behind. */
class StorageFailureTest {

  private static final String MODEL = "test-model@00000000";

  @TempDir
  Path path;

  /** A real directory that can be told to fail like a full disk. */
  private static final class FailingDirectory extends FilterDirectory {
    volatile boolean full;

    FailingDirectory(Directory in) {
      super(in);
    }

    @Override
    public IndexOutput createOutput(String name, IOContext context) throws IOException {
      if (full) {
        throw new IOException("No space left on device");
      }
      return super.createOutput(name, context);
    }

    @Override
    public void sync(Collection<String> names) throws IOException {
      if (full) {
        throw new IOException("No space left on device");
      }
      super.sync(names);
    }
  }

  private static float[] unit(Random random) {
    float[] vector = new float[128];
    double norm = 0;
    for (int i = 0; i < vector.length; i++) {
      vector[i] = (float) random.nextGaussian();
      norm += vector[i] * vector[i];
    }
    for (int i = 0; i < vector.length; i++) {
      vector[i] /= (float) Math.sqrt(norm);
    }
    return vector;
  }

  private static NewFace face(float[] vector) {
    return new NewFace(vector, new FaceOrigin(0, 0, 100, 100, new float[10], 0.95f));
  }

  @Test
  void aFailedWriteIsRolledBackAndTheGalleryRecovers() throws Exception {
    Random random = new Random(7);
    float[] kept = unit(random);
    float[] lost = unit(random);
    float[] later = unit(random);
    FailingDirectory directory = new FailingDirectory(FSDirectory.open(path));
    try (LuceneGallery gallery = LuceneGallery.open(path, directory, MODEL, 128, VectorIndexSettings.DEFAULT)) {
      gallery.createPerson("Kept", List.of(face(kept)));

      directory.full = true;
      GalleryStorageException refused = assertThrows(GalleryStorageException.class,
          () -> gallery.createPerson("Lost", List.of(face(lost))));
      assertTrue(refused.getMessage().contains("nothing was changed"), refused.getMessage());
      assertEquals(new GalleryStats(1, 1), gallery.stats(), "reads keep working and show no trace of it");
      assertEquals("Kept", gallery.search(lost, 1).get(0).displayName());

      directory.full = false;
      gallery.createPerson("Later", List.of(face(later)));
      assertEquals(new GalleryStats(2, 2), gallery.stats(), "writes work again once the disk does");
    }
    try (LuceneGallery reopened = LuceneGallery.open(path, MODEL, 128, VectorIndexSettings.DEFAULT)) {
      List<String> names = reopened.listPersons("", 10, "").persons().stream().map(PersonRecord::displayName).toList();
      assertEquals(List.of("Kept", "Later"), names, "only the acknowledged changes are on disk");
    }
  }
}
