package dev.visage.server.cli;

import com.google.protobuf.ByteString;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.VerifyRequest;
import dev.visage.api.v1.VerifyResponse;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code visage verify PHOTO --person ID | --reference PHOTO}: is it the same person? Exit 0 yes, 3 no. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Check that a photo shows an enrolled person, or the same person as another photo.",
        "Exit code: 0 the same person, 3 not the same person, 1 the server refused."})
final class VerifyCommand extends ClientCommand {

  @Parameters(paramLabel = "PHOTO", description = "The photo to check (its largest face).")
  Path photo;

  @ArgGroup(multiplicity = "1")
  Against against;

  static final class Against {
    @Option(names = "--person", paramLabel = "PERSON_ID", description = "An enrolled person.") String personId;
    @Option(names = "--reference", paramLabel = "PHOTO", description = "Another photo.") Path reference;
  }

  @Option(names = "--threshold", description = "Accept at this similarity or above. Default: the server's.")
  Float threshold;

  @Override
  int run(ManagedChannel channel) throws Exception {
    VerifyRequest.Builder request = VerifyRequest.newBuilder().setImage(encoded(photo));
    if (against.personId != null) {
      request.setPersonId(against.personId);
    } else {
      request.setReferenceImage(encoded(against.reference));
    }
    if (threshold != null) {
      request.setThreshold(threshold);
    }
    VerifyResponse response = recognition(channel).verify(request.build());
    out().printf(Locale.ROOT, "%s: similarity %.3f, threshold %.3f%n", response.getMatch() ? "same person" : "not the same person",
        response.getSimilarity(), response.getThreshold());
    out().flush();
    return response.getMatch() ? 0 : 3;
  }

  private static Image encoded(Path file) throws java.io.IOException {
    return Image.newBuilder().setEncoded(ByteString.copyFrom(Files.readAllBytes(file))).build();
  }
}
