package dev.visage.console.ui;

import dev.visage.api.v1.IdentifiedFace;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.IdentifyResponse;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.console.connection.ErrorMessages;
import dev.visage.console.connection.ServerConnection;
import dev.visage.console.video.Overlay;
import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Graphics2D;
import java.awt.datatransfer.DataFlavor;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.swing.BorderFactory;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JFileChooser;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JSplitPane;
import javax.swing.SwingWorker;
import javax.swing.TransferHandler;
import javax.swing.filechooser.FileNameExtensionFilter;

/** Identify from a file: every face of a photo boxed and named, with the closest candidates listed. */
final class IdentifyPanel extends JPanel {

  private final ServerConnection connection;
  private final StatusBar status;
  private final VideoPanel picture = new VideoPanel();
  private final DefaultListModel<String> faces = new DefaultListModel<>();
  private final JLabel summary = new JLabel(" ");

  IdentifyPanel(ServerConnection connection, StatusBar status) {
    super(new BorderLayout(0, 8));
    this.connection = connection;
    this.status = status;
    setName("identifyPanel");
    setBorder(BorderFactory.createEmptyBorder(8, 8, 8, 8));
    picture.setName("identifyPicture");
    picture.setPlaceholder("Open a photo (Ctrl+O) or drop one here to see who is in it.");
    summary.setName("identifySummary");
    JButton open = new JButton("Open photo... (Ctrl+O)");
    open.setName("openPhoto");
    open.addActionListener(e -> choose());
    JPanel top = new JPanel(new FlowLayout(FlowLayout.LEFT, 6, 0));
    top.add(open);
    top.add(summary);
    JList<String> list = new JList<>(faces);
    list.setName("identifyFaces");
    JScrollPane listScroll = new JScrollPane(list);
    listScroll.setPreferredSize(new Dimension(320, 200));
    JSplitPane split = new JSplitPane(JSplitPane.HORIZONTAL_SPLIT, picture, listScroll);
    split.setResizeWeight(0.75);
    add(top, BorderLayout.NORTH);
    add(split, BorderLayout.CENTER);
    setTransferHandler(new TransferHandler() {
      @Override
      public boolean canImport(TransferSupport support) {
        return support.isDataFlavorSupported(DataFlavor.javaFileListFlavor);
      }

      @Override
      @SuppressWarnings("unchecked")
      public boolean importData(TransferSupport support) {
        try {
          List<File> files = (List<File>) support.getTransferable().getTransferData(DataFlavor.javaFileListFlavor);
          identify(files.get(0).toPath());
          return true;
        } catch (Exception e) {
          return false;
        }
      }
    });
  }

  void choose() {
    JFileChooser chooser = new JFileChooser();
    chooser.setFileFilter(new FileNameExtensionFilter("Photos", "jpg", "jpeg", "png", "bmp", "webp"));
    if (chooser.showOpenDialog(this) == JFileChooser.APPROVE_OPTION) {
      identify(chooser.getSelectedFile().toPath());
    }
  }

  /** Shows a photo and identifies everyone in it. */
  void identify(Path photo) {
    summary.setText("Identifying " + photo.getFileName() + "...");
    new SwingWorker<byte[], Void>() {
      @Override
      protected byte[] doInBackground() throws Exception {
        return Files.readAllBytes(photo);
      }

      @Override
      protected void done() {
        try {
          byte[] bytes = get();
          ServerConnection.onEventThread(
              RecognitionServiceGrpc.newFutureStub(connection.channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
                  .identify(IdentifyRequest.newBuilder().setImage(Image.newBuilder()
                      .setEncoded(com.google.protobuf.ByteString.copyFrom(bytes))).build()),
              response -> show(photo, bytes, response),
              error -> {
                summary.setText(" ");
                status.message("Identify failed: " + ErrorMessages.describe(error), true);
              });
        } catch (Exception e) {
          summary.setText(" ");
          status.message(photo.getFileName() + " cannot be read: " + e.getCause().getMessage(), true);
        }
      }
    }.execute();
  }

  private void show(Path photo, byte[] bytes, IdentifyResponse response) {
    new SwingWorker<BufferedImage, Void>() {
      @Override
      protected BufferedImage doInBackground() {
        BufferedImage image = Pictures.decode(bytes);
        if (image == null) {
          return null;
        }
        Graphics2D g = image.createGraphics();
        for (IdentifiedFace face : response.getFacesList()) {
          Overlay.draw(g, new Overlay.Face(face.getFace().getBox(), face.hasMatch() ? face.getMatch() : null, 0),
              image.getWidth(), false);
        }
        g.dispose();
        return image;
      }

      @Override
      protected void done() {
        try {
          BufferedImage image = get();
          if (image != null) {
            BufferedImage back = picture.frames().back(image.getWidth(), image.getHeight());
            back.getGraphics().drawImage(image, 0, 0, null);
            picture.frames().publish();
            picture.repaint();
          }
        } catch (Exception e) {
          status.message("The photo cannot be shown: " + e.getMessage(), true);
        }
        faces.clear();
        for (IdentifiedFace face : response.getFacesList()) {
          StringBuilder line = new StringBuilder(face.hasMatch()
              ? String.format(Locale.ROOT, "%s (%.2f)", face.getMatch().getDisplayName(), face.getMatch().getSimilarity())
              : "unknown");
          if (!face.hasMatch() && face.getCandidatesCount() > 0) {
            line.append(String.format(Locale.ROOT, ", closest %s (%.2f)", face.getCandidates(0).getDisplayName(),
                face.getCandidates(0).getSimilarity()));
          }
          faces.addElement(line.toString());
        }
        long named = response.getFacesList().stream().filter(IdentifiedFace::hasMatch).count();
        summary.setText(String.format(Locale.ROOT, "%s: %d face(s), %d named (threshold %.3f)", photo.getFileName(),
            response.getFacesCount(), named, response.getThreshold()));
      }
    }.execute();
  }

  List<String> faceLines() {
    return java.util.Collections.list(faces.elements());
  }

  String summary() {
    return summary.getText();
  }
}
