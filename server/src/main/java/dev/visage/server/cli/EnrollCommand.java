package dev.visage.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.visage.server.bench.Table;
import dev.visage.server.client.BulkEnroller;
import dev.visage.server.client.EnrollReport;
import io.grpc.ManagedChannel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code visage enroll --dir PHOTOS}: bulk enrollment into a running server. */
@Command(
    name = "enroll",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {"Enroll a folder with one sub-folder of photos per person into a running server; each folder's name "
        + "is the person's name. Prints progress and a summary (per person, and every rejected photo with its reason) "
        + "and writes a JSON report. Running it again skips what is already enrolled: photos in the previous "
        + "report, and persons already on the server under the folder's name."})
final class EnrollCommand extends ClientCommand {

  @Option(names = "--dir", required = true, description = "The folder of person folders (folders starting with _ are skipped).")
  Path dir;

  @Option(names = "--concurrency", defaultValue = "4", description = "Persons enrolled at once. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(names = "--report", defaultValue = "visage-enroll-report.json",
      description = "The JSON report, read at the start (to resume) and written at the end. Default: ${DEFAULT-VALUE}.")
  Path report;

  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  int run(ManagedChannel channel) throws Exception {
    EnrollReport previous = Files.exists(report) ? json.readValue(report.toFile(), EnrollReport.class) : null;
    int total = BulkEnroller.personFolders(dir).stream().mapToInt(folder -> {
      try {
        return BulkEnroller.photos(folder).size();
      } catch (java.io.IOException e) {
        return 0;
      }
    }).sum();
    AtomicInteger done = new AtomicInteger();
    boolean console = System.console() != null;
    EnrollReport result = new BulkEnroller(gallery(channel), concurrency).run(dir, client.server(), previous,
        (folder, photo) -> {
          int n = done.incrementAndGet();
          if (console) {
            int width = 30;
            int filled = total == 0 ? width : n * width / total;
            System.err.printf("\r[%s%s] %d/%d photos sent  %s", "#".repeat(filled), " ".repeat(width - filled), n, total,
                folder.length() > 30 ? folder.substring(0, 30) : folder);
          }
        });
    if (console) {
      System.err.println();
    }
    json.writeValue(report.toFile(), result);
    summarise(result);
    return result.persons().stream().anyMatch(person -> person.status().equals(EnrollReport.FAILED)) ? 1 : 0;
  }

  private void summarise(EnrollReport result) {
    PrintWriter out = out();
    Table table = new Table("person", "photos", "enrolled", "rejected", "outcome");
    for (EnrollReport.Person person : result.persons()) {
      long enrolled = person.enrolledPhotos();
      table.add(person.folder(), person.photos().size(), enrolled, person.photos().size() - enrolled,
          person.error() == null ? person.status() : person.status() + " (" + person.error() + ")");
    }
    out.println(table.text());
    Map<String, Long> reasons = new TreeMap<>(result.persons().stream().flatMap(person -> person.photos().stream())
        .filter(photo -> photo.reason() != null).collect(Collectors.groupingBy(EnrollReport.Photo::reason, Collectors.counting())));
    long persons = result.persons().stream().filter(person -> person.status().equals(EnrollReport.ENROLLED)).count();
    long faces = result.persons().stream().mapToLong(EnrollReport.Person::enrolledPhotos).sum();
    out.printf("%d of %d persons enrolled, %d faces, into %s.%n", persons, result.persons().size(), faces, result.server());
    if (!reasons.isEmpty()) {
      out.printf("Rejected photos: %s.%n", reasons.entrySet().stream()
          .map(entry -> entry.getValue() + " " + entry.getKey()).collect(Collectors.joining(", ")));
      result.persons().forEach(person -> person.photos().stream().filter(photo -> photo.reason() != null)
          .forEach(photo -> out.printf("  %s/%s: %s%n", person.folder(), photo.file(), photo.message())));
    }
    result.persons().stream().filter(person -> !person.status().equals(EnrollReport.ENROLLED))
        .forEach(person -> out.printf("%s: %s%n", person.folder(), person.error() == null ? person.status() : person.error()));
    out.printf("Report: %s%n", report.toAbsolutePath());
    out.flush();
  }
}
