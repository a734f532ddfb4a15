package dev.visage.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.DeleteFaceRequest;
import dev.visage.api.v1.DeletePersonRequest;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.EnrollResponse;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.GetPersonRequest;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.IdentifyResponse;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.api.v1.RenamePersonRequest;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients enroll, identify, rename and delete on the same few persons for a bounded time:
 * only the errors a race can explain, no deadlock, and a final gallery that matches what was
 * acknowledged.
 */
class ConcurrentChangesTest {

  private static final int CLIENTS = 6;
  private static final long SECONDS = Long.getLong("visage.concurrency.seconds", 15);

  /** Each person: the photo they were enrolled with, more photos to add, and one to identify. */
  private record Subject(String name, String enrollPhoto, List<String> morePhotos, String probe) {}

  private static final List<Subject> SUBJECTS = List.of(
      new Subject("Brad Pitt", "brad_pitt/brad.jpg", List.of("brad_pitt/brad_1.jpg", "brad_pitt/brad_2.jpg"), "brad_pitt/brad_3.jpg"),
      new Subject("Nicole Kidman", "nicole_kidman/nicole_1.jpg", List.of("nicole_kidman/nicole_2.jpg"), "nicole_kidman/nicole_3.jpg"),
      new Subject("Barack Obama", "obama/obama.jpg", List.of("obama/obama1.jpg", "obama/obama2.jpg"), "obama/obama3.jpg"));

  /** A rename as the client saw it: when it was sent and when it was acknowledged. */
  private record Rename(String name, long sent, long acknowledged) {}

  @TempDir Path data;

  /** The servers the clients share: here one; with a shared SolrCloud gallery, two. */
  List<TestServer> startServers(Path data) throws Exception {
    return List.of(TestServer.start(data, "--max-concurrent-requests=256"));
  }

  @Test
  void mixedChangesOnTheSamePersonsEndInTheAcknowledgedState() throws Exception {
    List<TestServer> servers = startServers(data);
    try {
      TestServer server = servers.get(0);
      List<String> ids = new ArrayList<>();
      for (Subject subject : SUBJECTS) {
        ids.add(server.gallery().enroll(EnrollRequest.newBuilder().setDisplayName(subject.name())
            .addImages(Images.encoded(subject.enrollPhoto())).build()).getPerson().getPersonId());
      }
      String doomed = server.gallery().enroll(EnrollRequest.newBuilder().setDisplayName("Joe Biden")
          .addImages(Images.encoded("biden/biden.jpg")).build()).getPerson().getPersonId();

      Map<String, Set<String>> addedFaces = new ConcurrentHashMap<>();
      Map<String, Set<String>> deletedFaces = new ConcurrentHashMap<>();
      Map<String, ConcurrentLinkedQueue<Rename>> renames = new ConcurrentHashMap<>();
      ids.forEach(id -> {
        addedFaces.put(id, ConcurrentHashMap.newKeySet());
        deletedFaces.put(id, ConcurrentHashMap.newKeySet());
        renames.put(id, new ConcurrentLinkedQueue<>());
      });
      AtomicLong doomedDeletedAt = new AtomicLong(Long.MAX_VALUE);
      AtomicLong lastDoomedSuccessSent = new AtomicLong(Long.MIN_VALUE);
      ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
      AtomicInteger operations = new AtomicInteger();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);

      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.add(Thread.ofPlatform().start(() -> {
          Random random = new Random(client);
          TestServer mine = servers.get(client % servers.size());
          GalleryServiceGrpc.GalleryServiceBlockingStub gallery = GalleryServiceGrpc.newBlockingStub(mine.channel());
          RecognitionServiceGrpc.RecognitionServiceBlockingStub recognition =
              RecognitionServiceGrpc.newBlockingStub(mine.channel());
          List<String[]> myFaces = new ArrayList<>(); // person id, face id
          for (int n = 0; System.nanoTime() < end; n++) {
            int which = random.nextInt(SUBJECTS.size());
            String id = ids.get(which);
            Subject subject = SUBJECTS.get(which);
            long sent = System.nanoTime();
            try {
              switch (random.nextInt(6)) {
                case 0 -> {
                  String photo = subject.morePhotos().get(random.nextInt(subject.morePhotos().size()));
                  EnrollResponse added = gallery.withDeadlineAfter(60, TimeUnit.SECONDS).enroll(EnrollRequest.newBuilder()
                      .setPersonId(id).addImages(Images.encoded(photo)).build());
                  String face = added.getResults(0).getEnrolled().getFaceId();
                  addedFaces.get(id).add(face);
                  myFaces.add(new String[] {id, face});
                }
                case 1 -> {
                  if (!myFaces.isEmpty()) {
                    String[] face = myFaces.remove(random.nextInt(myFaces.size()));
                    gallery.withDeadlineAfter(60, TimeUnit.SECONDS)
                        .deleteFace(DeleteFaceRequest.newBuilder().setFaceId(face[1]).build());
                    deletedFaces.get(face[0]).add(face[1]);
                  }
                }
                case 2 -> {
                  String name = subject.name() + " #" + client + "." + n;
                  gallery.withDeadlineAfter(60, TimeUnit.SECONDS)
                      .renamePerson(RenamePersonRequest.newBuilder().setPersonId(id).setDisplayName(name).build());
                  renames.get(id).add(new Rename(name, sent, System.nanoTime()));
                }
                case 3 -> {
                  // The doomed person: others rename it while one client deletes it.
                  if (client == 0 && n >= 5 && doomedDeletedAt.get() == Long.MAX_VALUE) {
                    gallery.withDeadlineAfter(60, TimeUnit.SECONDS)
                        .deletePerson(DeletePersonRequest.newBuilder().setPersonId(doomed).build());
                    doomedDeletedAt.set(System.nanoTime());
                  } else {
                    try {
                      gallery.withDeadlineAfter(60, TimeUnit.SECONDS).renamePerson(RenamePersonRequest.newBuilder()
                          .setPersonId(doomed).setDisplayName("Joe Biden " + n).build());
                      lastDoomedSuccessSent.accumulateAndGet(sent, Math::max);
                    } catch (StatusRuntimeException e) {
                      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                        throw e;
                      }
                    }
                  }
                }
                default -> {
                  IdentifyResponse answer = recognition.withDeadlineAfter(60, TimeUnit.SECONDS)
                      .identify(IdentifyRequest.newBuilder().setImage(Images.encoded(subject.probe())).setMaxFaces(1).build());
                  if (!answer.getFaces(0).getMatch().getPersonId().equals(id)) {
                    unexpected.add(subject.probe() + " identified as " + answer.getFaces(0).getMatch());
                  }
                }
              }
              operations.incrementAndGet();
            } catch (StatusRuntimeException e) {
              unexpected.add(e.getStatus().toString());
            }
          }
        }));
      }
      for (Thread client : clients) {
        client.join(TimeUnit.SECONDS.toMillis(SECONDS + 120));
        assertFalse(client.isAlive(), "a client is stuck: a deadlock or a call that never ends");
      }
      assertTrue(unexpected.isEmpty(), "unexpected answers: " + unexpected);
      assertTrue(operations.get() > CLIENTS * 10, "too few operations to mean anything: " + operations);

      GalleryServiceGrpc.GalleryServiceBlockingStub gallery = server.gallery();
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        var person = gallery.getPerson(GetPersonRequest.newBuilder().setPersonId(id).build()).getPerson();
        Set<String> expectedFaces = ConcurrentHashMap.newKeySet();
        expectedFaces.addAll(addedFaces.get(id));
        expectedFaces.removeAll(deletedFaces.get(id));
        Set<String> actualFaces = ConcurrentHashMap.newKeySet();
        person.getFacesList().forEach(face -> actualFaces.add(face.getFaceId()));
        assertEquals(1 + expectedFaces.size(), actualFaces.size(), person.getDisplayName() + ": faces");
        assertTrue(actualFaces.containsAll(expectedFaces), person.getDisplayName() + ": acknowledged faces kept");
        List<Rename> done = new ArrayList<>(renames.get(id));
        if (done.isEmpty()) {
          assertEquals(SUBJECTS.get(i).name(), person.getDisplayName());
        } else {
          // The final name is one of the renames that could have taken effect last: none that was
          // sent after it had been acknowledged.
          long lastSent = done.stream().mapToLong(Rename::sent).max().orElseThrow();
          Set<String> possible = ConcurrentHashMap.newKeySet();
          done.stream().filter(rename -> rename.acknowledged() >= lastSent).forEach(rename -> possible.add(rename.name()));
          assertTrue(possible.contains(person.getDisplayName()), person.getDisplayName() + " not among " + possible);
        }
      }
      StatusRuntimeException gone = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
          () -> gallery.getPerson(GetPersonRequest.newBuilder().setPersonId(doomed).build()));
      assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
      assertTrue(lastDoomedSuccessSent.get() < doomedDeletedAt.get(), "a rename succeeded on a person already deleted");
    } finally {
      for (TestServer server : servers) {
        server.close();
      }
    }
  }
}
