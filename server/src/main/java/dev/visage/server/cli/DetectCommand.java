package dev.visage.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.ByteString;
import dev.visage.api.v1.BoundingBox;
import dev.visage.api.v1.DetectRequest;
import dev.visage.api.v1.DetectResponse;
import dev.visage.api.v1.DetectedFace;
import dev.visage.api.v1.Image;
import dev.visage.server.bench.Table;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code visage detect PHOTO|FOLDER...}: the faces in photos, without looking anyone up. */
@Command(name = "detect", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Find the faces in photos (folders are searched recursively) on a running server.")
final class DetectCommand extends ClientCommand {

  @Parameters(paramLabel = "PHOTO", arity = "1..*", description = "Photo files or folders.")
  List<Path> photos;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean asJson;

  record Face(String file, int face, int x, int y, int width, int height, float score) {}

  @Override
  int run(ManagedChannel channel) throws Exception {
    List<Face> faces = new ArrayList<>();
    List<Map<String, String>> failures = new ArrayList<>();
    for (Path photo : PhotoArguments.expand(photos)) {
      try {
        DetectResponse response = recognition(channel).detect(DetectRequest.newBuilder()
            .setImage(Image.newBuilder().setEncoded(ByteString.copyFrom(Files.readAllBytes(photo)))).build());
        for (int i = 0; i < response.getFacesCount(); i++) {
          DetectedFace face = response.getFaces(i);
          BoundingBox box = face.getBox();
          faces.add(new Face(photo.toString(), i + 1, Math.round(box.getX()), Math.round(box.getY()),
              Math.round(box.getWidth()), Math.round(box.getHeight()), face.getDetectionScore()));
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
          throw e;
        }
        failures.add(Map.of("file", photo.toString(), "error", String.valueOf(e.getStatus().getDescription())));
      }
    }
    if (asJson) {
      out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(Map.of("faces", faces, "failures", failures)));
    } else {
      Table table = new Table("photo", "face", "box", "score");
      faces.forEach(face -> table.add(face.file(), face.face(),
          face.x() + "," + face.y() + " " + face.width() + "x" + face.height(), String.format(Locale.ROOT, "%.3f", face.score())));
      out().println(table.text());
      failures.forEach(failure -> out().printf("%s: %s%n", failure.get("file"), failure.get("error")));
    }
    out().flush();
    return failures.isEmpty() ? 0 : 1;
  }
}
