package dev.visage.server.cli;

import static dev.visage.server.testing.CommandRun.visage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.GalleryHeader;
import dev.visage.api.v1.GalleryItem;
import dev.visage.api.v1.GetServerInfoRequest;
import dev.visage.api.v1.IdentifiedFace;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.server.gallery.LuceneGallery;
import dev.visage.server.gallery.PersonRecord;
import dev.visage.server.gallery.VectorIndexSettings;
import dev.visage.server.testing.CommandRun;
import dev.visage.server.testing.Images;
import dev.visage.server.testing.TestServer;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export, import into a fresh server, and backup of a live one, through the command line. */
class GalleryTransferTest {

  @TempDir Path dir;

  private static final List<String> PROBES = List.of("obama/obama3.jpg", "biden/biden2.jpg", "brad_pitt/brad_1.jpg",
      "tom_hanks/Tom_Hanks_54745.png");

  private static List<IdentifiedFace> identifyAll(TestServer server) {
    return PROBES.stream().map(photo -> server.recognition().identify(IdentifyRequest.newBuilder()
        .setImage(Images.encoded(photo)).setMaxFaces(1).build()).getFaces(0)).toList();
  }

  @Test
  void anExportImportedIntoAFreshServerIdentifiesAlikeAndABackupOpens() throws Exception {
    Path export = dir.resolve("gallery.vgal");
    List<IdentifiedFace> before;
    String modelId;
    try (TestServer source = TestServer.start(dir.resolve("a"))) {
      source.gallery().enroll(EnrollRequest.newBuilder().setDisplayName("Barack Obama")
          .addImages(Images.encoded("obama/obama.jpg")).addImages(Images.encoded("obama/obama1.jpg")).build());
      source.gallery().enroll(EnrollRequest.newBuilder().setDisplayName("Joe Biden").addImages(Images.encoded("biden/biden.jpg")).build());
      source.gallery().enroll(EnrollRequest.newBuilder().setDisplayName("Brad Pitt").addImages(Images.encoded("brad_pitt/brad.jpg")).build());
      before = identifyAll(source);
      modelId = source.recognition().getServerInfo(GetServerInfoRequest.getDefaultInstance()).getEmbedderModelId();
      String address = "--server=127.0.0.1:" + source.port();

      CommandRun exported = visage("gallery", "export", "--out=" + export, address);
      assertEquals(0, exported.exit(), exported.err());
      assertTrue(exported.out().contains("Exported 3 persons, 4 faces (model " + modelId + ")"), exported.out());

      Path backup = dir.resolve("backup");
      CommandRun backedUp = visage("gallery", "backup", backup.toString(), address);
      assertEquals(0, backedUp.exit(), backedUp.err());
      assertTrue(backedUp.out().contains("Backed up 3 persons, 4 faces"), backedUp.out());
      try (LuceneGallery copy = LuceneGallery.open(backup, modelId, 128, VectorIndexSettings.DEFAULT)) {
        assertEquals(List.of("Barack Obama", "Brad Pitt", "Joe Biden"),
            copy.listPersons("", 10, "").persons().stream().map(PersonRecord::displayName).toList(), "the backup opens as a gallery");
      }
      CommandRun again = visage("gallery", "backup", backup.toString(), address);
      assertEquals(1, again.exit());
      assertTrue(again.err().contains("not empty"), again.err());
      CommandRun relative = visage("gallery", "backup", "relative/folder", address);
      assertTrue(relative.err().contains("absolute"), relative.err());
    }

    try (TestServer target = TestServer.start(dir.resolve("b"))) {
      String address = "--server=127.0.0.1:" + target.port();
      CommandRun imported = visage("gallery", "import", export.toString(), address);
      assertEquals(0, imported.exit(), imported.err());
      assertTrue(imported.out().contains("Imported 3 persons, 4 faces"), imported.out());
      List<IdentifiedFace> after = identifyAll(target);
      for (int i = 0; i < PROBES.size(); i++) {
        assertEquals(before.get(i).getMatch(), after.get(i).getMatch(), PROBES.get(i) + ": the same answer, ids included");
        assertEquals(before.get(i).getCandidates(0).getSimilarity(), after.get(i).getCandidates(0).getSimilarity(), 1e-6f);
      }
      assertEquals("", after.get(3).getMatch().getPersonId(), "the stranger stays unknown");

      Path foreign = dir.resolve("foreign.vgal");
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(foreign))) {
        GalleryItem.newBuilder().setHeader(GalleryHeader.newBuilder().setModelId("arcface@00000000").setDimension(512))
            .build().writeDelimitedTo(out);
      }
      CommandRun refused = visage("gallery", "import", foreign.toString(), address);
      assertEquals(1, refused.exit());
      assertTrue(refused.err().contains("FAILED_PRECONDITION") && refused.err().contains("arcface@00000000"), refused.err());
      assertEquals(3, target.recognition().getServerInfo(GetServerInfoRequest.getDefaultInstance()).getPersonCount());
    }
  }
}
