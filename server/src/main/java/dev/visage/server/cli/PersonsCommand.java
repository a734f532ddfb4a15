package dev.visage.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.visage.api.v1.DeleteFaceRequest;
import dev.visage.api.v1.DeletePersonRequest;
import dev.visage.api.v1.ListPersonsRequest;
import dev.visage.api.v1.ListPersonsResponse;
import dev.visage.api.v1.Person;
import dev.visage.api.v1.RenamePersonRequest;
import dev.visage.server.bench.Table;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code visage persons list | rename | delete} and {@code visage faces delete} on a running server. */
@Command(name = "persons", mixinStandardHelpOptions = true, description = "List, rename and delete enrolled persons.",
    subcommands = {PersonsCommand.ListPersons.class, PersonsCommand.Rename.class, PersonsCommand.Delete.class})
final class PersonsCommand {

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List persons by name (every page).")
  static final class ListPersons extends ClientCommand {
    @Option(names = "--name-contains", defaultValue = "", description = "Only names containing this, ignoring case.")
    String nameContains;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean asJson;

    @Override
    int run(ManagedChannel channel) throws Exception {
      List<Person> persons = new ArrayList<>();
      String token = "";
      do {
        ListPersonsResponse page = gallery(channel).withDeadlineAfter(60, java.util.concurrent.TimeUnit.SECONDS)
            .listPersons(ListPersonsRequest.newBuilder().setNameContains(nameContains).setPageSize(1000).setPageToken(token).build());
        persons.addAll(page.getPersonsList());
        token = page.getNextPageToken();
      } while (!token.isEmpty());
      if (asJson) {
        out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(persons.stream()
            .map(person -> Map.of("personId", person.getPersonId(), "name", person.getDisplayName(), "faces", person.getFaceCount()))
            .toList()));
      } else {
        Table table = new Table("person id", "name", "faces");
        persons.forEach(person -> table.add(person.getPersonId(), person.getDisplayName(), person.getFaceCount()));
        out().println(table.text());
        out().printf("%d person(s)%n", persons.size());
      }
      out().flush();
      return 0;
    }
  }

  @Command(name = "rename", mixinStandardHelpOptions = true, description = "Give a person a new name.")
  static final class Rename extends ClientCommand {
    @Parameters(index = "0", paramLabel = "PERSON_ID") String personId;
    @Parameters(index = "1", paramLabel = "NAME") String name;

    @Override
    int run(ManagedChannel channel) {
      Person person = gallery(channel).renamePerson(RenamePersonRequest.newBuilder().setPersonId(personId).setDisplayName(name).build())
          .getPerson();
      out().printf("%s is now '%s'%n", person.getPersonId(), person.getDisplayName());
      out().flush();
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a person and all their faces.")
  static final class Delete extends ClientCommand {
    @Parameters(paramLabel = "PERSON_ID") String personId;

    @Override
    int run(ManagedChannel channel) {
      int faces = gallery(channel).deletePerson(DeletePersonRequest.newBuilder().setPersonId(personId).build()).getDeletedFaceCount();
      out().printf("Deleted %s and %d face(s)%n", personId, faces);
      out().flush();
      return 0;
    }
  }

  /** {@code visage faces delete FACE_ID}. */
  @Command(name = "faces", mixinStandardHelpOptions = true, description = "Delete single faces.",
      subcommands = {Faces.DeleteFace.class})
  static final class Faces {
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete one face; its person stays.")
    static final class DeleteFace extends ClientCommand {
      @Parameters(paramLabel = "FACE_ID") String faceId;

      @Override
      int run(ManagedChannel channel) {
        int left = gallery(channel).deleteFace(DeleteFaceRequest.newBuilder().setFaceId(faceId).build()).getRemainingFaceCount();
        out().printf("Deleted face %s; its person has %d face(s) left%n", faceId, left);
        out().flush();
        return 0;
      }
    }
  }
}
