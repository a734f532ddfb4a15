package dev.visage.server.models;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.NoSuchElementException;

/** The models the server knows, read from the manifest bundled with it. */
public record ModelManifest(List<ModelSpec> models) {

  private static final String RESOURCE = "manifest.json";

  /** The manifest bundled with this build (a copy of the repository's models/manifest.json). */
  public static ModelManifest bundled() {
    try (InputStream in = ModelManifest.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("The model manifest is missing from the server's jar; rebuild it");
      }
      return new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
          .readValue(in, ModelManifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException("The bundled model manifest cannot be read", e);
    }
  }

  public ModelSpec byId(String id) {
    return models.stream()
        .filter(m -> m.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException(
            "No model '" + id + "' in the manifest; known: "
                + models.stream().map(ModelSpec::id).toList()));
  }
}
