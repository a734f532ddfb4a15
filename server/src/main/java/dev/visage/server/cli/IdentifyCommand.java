package dev.visage.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.ByteString;
import dev.visage.api.v1.BoundingBox;
import dev.visage.api.v1.IdentifiedFace;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.IdentifyResponse;
import dev.visage.api.v1.Image;
import dev.visage.server.bench.Table;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code visage identify PHOTO|FOLDER...}: who is in these photos, as a table or JSON. */
@Command(name = "identify", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Identify every face in photos (folders are searched recursively) on a running server.")
final class IdentifyCommand extends ClientCommand {

  @Parameters(paramLabel = "PHOTO", arity = "1..*", description = "Photo files or folders.")
  List<Path> photos;

  @Option(names = "--threshold", description = "Name a face only at this similarity or above. Default: the server's.")
  Float threshold;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean asJson;

  /** One face as printed. */
  record Face(String file, int face, int x, int y, int width, int height, String name, String personId, Float similarity) {}

  /** A photo that could not be identified. */
  record Failure(String file, String error) {}

  @Override
  int run(ManagedChannel channel) throws Exception {
    List<Face> faces = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    for (Path photo : PhotoArguments.expand(photos)) {
      IdentifyRequest.Builder request = IdentifyRequest.newBuilder()
          .setImage(Image.newBuilder().setEncoded(ByteString.copyFrom(Files.readAllBytes(photo))));
      if (threshold != null) {
        request.setThreshold(threshold);
      }
      try {
        IdentifyResponse response = recognition(channel).identify(request.build());
        for (int i = 0; i < response.getFacesCount(); i++) {
          IdentifiedFace face = response.getFaces(i);
          BoundingBox box = face.getFace().getBox();
          faces.add(new Face(photo.toString(), i + 1, Math.round(box.getX()), Math.round(box.getY()),
              Math.round(box.getWidth()), Math.round(box.getHeight()),
              face.hasMatch() ? face.getMatch().getDisplayName() : null, face.hasMatch() ? face.getMatch().getPersonId() : null,
              face.getCandidatesCount() > 0 ? face.getCandidates(0).getSimilarity() : null));
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != io.grpc.Status.Code.INVALID_ARGUMENT) {
          throw e;
        }
        failures.add(new Failure(photo.toString(), e.getStatus().getDescription()));
      }
    }
    if (asJson) {
      out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(java.util.Map.of("faces", faces, "failures", failures)));
    } else {
      Table table = new Table("photo", "face", "box", "who", "best similarity");
      for (Face face : faces) {
        table.add(face.file(), face.face(), face.x() + "," + face.y() + " " + face.width() + "x" + face.height(),
            face.name() == null ? "unknown" : face.name(),
            face.similarity() == null ? "-" : String.format(Locale.ROOT, "%.3f", face.similarity()));
      }
      out().println(table.text());
      failures.forEach(failure -> out().printf("%s: %s%n", failure.file(), failure.error()));
    }
    out().flush();
    return failures.isEmpty() ? 0 : 1;
  }
}
