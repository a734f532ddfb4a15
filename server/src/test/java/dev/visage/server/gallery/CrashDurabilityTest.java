package dev.visage.server.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.DeletePersonRequest;
import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.EnrollResponse;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.ListPersonsRequest;
import dev.visage.api.v1.ListPersonsResponse;
import dev.visage.api.v1.Person;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.ServerProcess;
import dev.visage.server.testing.SharedData;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the server with SIGKILL at random moments while several clients enroll and delete, again
 * and again. After every restart the gallery opens, every acknowledged enrollment is there with
 * all its faces, every acknowledged delete is gone, and nothing half-written shows.
 */
class CrashDurabilityTest {

  private static final int CYCLES = Integer.getInteger("visage.crash.cycles", 10);
  private static final int CLIENTS = 3;
  private static final List<String> PHOTOS = List.of("obama/obama.jpg", "obama/obama1.jpg");

  @TempDir Path data;

  /** What the clients were told: enrolled (with their names) and deleted. */
  private final Map<String, String> acknowledgedEnrollments = new ConcurrentHashMap<>();
  private final Set<String> acknowledgedDeletes = ConcurrentHashMap.newKeySet();
  /** Names sent whose answer never came: they may or may not be there. */
  private final Set<String> attemptedNames = ConcurrentHashMap.newKeySet();
  /** Deletes sent, acknowledged or not: one whose answer died with the server may have happened. */
  private final Set<String> attemptedDeletes = ConcurrentHashMap.newKeySet();

  @Test
  void acknowledgedChangesSurviveSigkillAtRandomMoments() throws Exception {
    Random random = new Random(20261122);
    int port = ServerProcess.freePort();
    int totalAcknowledged = 0;
    for (int cycle = 0; cycle <= CYCLES; cycle++) {
      ServerProcess server = start(port);
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        checkGallery(channel, cycle);
        if (cycle == CYCLES) {
          break;
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger acknowledged = new AtomicInteger();
        List<Thread> clients = new java.util.ArrayList<>();
        for (int client = 0; client < CLIENTS; client++) {
          int clientId = client;
          int finalCycle = cycle;
          clients.add(Thread.ofPlatform().start(() -> work(channel, finalCycle, clientId, running, acknowledged)));
        }
        // Let some enrollments land, then kill at a moment nobody chose.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged.get() < 3 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        Thread.sleep(random.nextInt(1500));
        server.kill();
        assertTrue(server.finished(Duration.ofSeconds(30)), "the killed server is gone");
        running.set(false);
        for (Thread client : clients) {
          client.join(TimeUnit.SECONDS.toMillis(60));
        }
        totalAcknowledged += acknowledged.get();
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.kill();
        server.finished(Duration.ofSeconds(30));
      }
    }
    System.out.printf("%d SIGKILLs; %d acknowledged enrollments and %d acknowledged deletes all held%n", CYCLES,
        acknowledgedEnrollments.size(), acknowledgedDeletes.size());
    assertTrue(totalAcknowledged >= CYCLES * 3, "enough changes were acknowledged to mean something: " + totalAcknowledged);
  }

  private ServerProcess start(int port) throws Exception {
    ServerProcess server = ServerProcess.launch(Map.of(), "serve", "--offline", "--port=" + port, "--metrics-port=0",
        "--data-dir=" + data, "--model-mirror=" + SharedData.models(), "--embed-batch-size=4");
    String ready = server.awaitLine("Visage is serving", Duration.ofMinutes(2));
    assertNotNull(ready, "the server starts again on the gallery it was killed over:\n" + server.output());
    return server;
  }

  /** One client: enroll new persons, now and then delete one of its own. */
  private void work(ManagedChannel channel, int cycle, int client, AtomicBoolean running, AtomicInteger acknowledged) {
    GalleryServiceGrpc.GalleryServiceBlockingStub gallery = GalleryServiceGrpc.newBlockingStub(channel);
    for (int n = 0; running.get(); n++) {
      String name = "c" + cycle + "-client" + client + "-" + n;
      attemptedNames.add(name);
      try {
        EnrollRequest.Builder request = EnrollRequest.newBuilder().setDisplayName(name);
        PHOTOS.forEach(photo -> request.addImages(Images.encoded(photo)));
        EnrollResponse response = gallery.withDeadlineAfter(30, TimeUnit.SECONDS).enroll(request.build());
        acknowledgedEnrollments.put(response.getPerson().getPersonId(), name);
        acknowledged.incrementAndGet();
        if (n % 3 == 2) {
          String victim = response.getPerson().getPersonId();
          attemptedDeletes.add(victim);
          gallery.withDeadlineAfter(30, TimeUnit.SECONDS)
              .deletePerson(DeletePersonRequest.newBuilder().setPersonId(victim).build());
          acknowledgedDeletes.add(victim);
          acknowledged.incrementAndGet();
        }
      } catch (StatusRuntimeException killed) {
        return; // the server is gone; what happened to this request is for the next check to accept either way
      }
    }
  }

  /** The gallery as a restarted server shows it against what the clients were told. */
  private void checkGallery(ManagedChannel channel, int cycle) {
    GalleryServiceGrpc.GalleryServiceBlockingStub gallery =
        GalleryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    Map<String, Person> present = new HashMap<>();
    String token = "";
    do {
      ListPersonsResponse page = gallery.listPersons(
          ListPersonsRequest.newBuilder().setPageSize(1000).setPageToken(token).build());
      page.getPersonsList().forEach(person -> present.put(person.getPersonId(), person));
      token = page.getNextPageToken();
    } while (!token.isEmpty());

    for (Map.Entry<String, String> enrolled : acknowledgedEnrollments.entrySet()) {
      if (!attemptedDeletes.contains(enrolled.getKey())) {
        Person person = present.get(enrolled.getKey());
        assertNotNull(person, "cycle " + cycle + ": acknowledged enrollment of " + enrolled.getValue() + " lost");
        assertEquals(enrolled.getValue(), person.getDisplayName());
      } else if (!acknowledgedDeletes.contains(enrolled.getKey())) {
        // Deleted or not, as the kill fell; if it is there, it is whole and named as enrolled.
        Person person = present.get(enrolled.getKey());
        assertTrue(person == null || person.getDisplayName().equals(enrolled.getValue()), "cycle " + cycle + ": " + person);
      }
    }
    for (String deleted : acknowledgedDeletes) {
      assertTrue(!present.containsKey(deleted), "cycle " + cycle + ": acknowledged delete of " + deleted + " undone");
    }
    for (Person person : present.values()) {
      assertTrue(attemptedNames.contains(person.getDisplayName()), "a person nobody enrolled: " + person);
      assertEquals(PHOTOS.size(), person.getFaceCount(),
          "cycle " + cycle + ": " + person.getDisplayName() + " is half-written");
    }
    if (!present.isEmpty()) {
      // The index is searchable, not just listable.
      assertTrue(RecognitionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
          .identify(IdentifyRequest.newBuilder().setImage(Images.encoded("obama/obama2.jpg")).build())
          .getFaces(0).hasMatch(), "cycle " + cycle + ": the enrolled face is found");
    }
  }
}
