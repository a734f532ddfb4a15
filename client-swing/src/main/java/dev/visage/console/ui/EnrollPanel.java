package dev.visage.console.ui;

import dev.visage.api.v1.EnrollRequest;
import dev.visage.api.v1.EnrollResponse;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.ImageEnrollment;
import dev.visage.api.v1.ListPersonsRequest;
import dev.visage.api.v1.Person;
import dev.visage.console.connection.ErrorMessages;
import dev.visage.console.connection.ServerConnection;
import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.GridLayout;
import java.awt.datatransfer.DataFlavor;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.swing.BorderFactory;
import javax.swing.BoxLayout;
import javax.swing.ButtonGroup;
import javax.swing.DefaultComboBoxModel;
import javax.swing.ImageIcon;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JFileChooser;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JRadioButton;
import javax.swing.JScrollPane;
import javax.swing.JTextField;
import javax.swing.SwingConstants;
import javax.swing.SwingWorker;
import javax.swing.TransferHandler;
import javax.swing.filechooser.FileNameExtensionFilter;

/**
 * Enrollment: shots captured from the live view (the Capture button or the S key) or added from
 * files (also by dragging them in), shown as thumbnails that can be removed, sent in one Enroll
 * call; each thumbnail then says whether it was accepted or why not.
 */
final class EnrollPanel extends JPanel {

  private static final int THUMBNAIL = 96;

  /** A shot waiting to be enrolled, and its outcome once sent. */
  private final class Shot extends JPanel {
    final byte[] bytes;
    final JLabel outcome = new JLabel("ready", SwingConstants.CENTER);

    Shot(byte[] bytes, BufferedImage picture) {
      super(new BorderLayout(0, 2));
      this.bytes = bytes;
      setName("shot");
      setBorder(BorderFactory.createEmptyBorder(4, 4, 4, 4));
      JLabel image = new JLabel(new ImageIcon(Pictures.thumbnail(picture, THUMBNAIL)));
      JButton remove = new JButton("\u00d7");
      remove.setName("removeShot");
      remove.setToolTipText("Remove this shot");
      remove.setMargin(new java.awt.Insets(0, 4, 0, 4));
      remove.addActionListener(e -> {
        shots.remove(this);
        strip.remove(this);
        strip.revalidate();
        strip.repaint();
        updateButtons();
      });
      outcome.setName("shotOutcome");
      outcome.setForeground(Theme.MUTED);
      JPanel top = new JPanel(new BorderLayout());
      top.add(remove, BorderLayout.EAST);
      add(top, BorderLayout.NORTH);
      add(image, BorderLayout.CENTER);
      add(outcome, BorderLayout.SOUTH);
      setPreferredSize(new Dimension(THUMBNAIL + 20, THUMBNAIL + 60));
    }

    void show(ImageEnrollment result) {
      if (result.hasEnrolled()) {
        outcome.setForeground(Theme.GOOD);
        outcome.setText("\u2713 enrolled");
        outcome.setToolTipText("Face " + result.getEnrolled().getFaceId());
      } else {
        outcome.setForeground(Theme.BAD);
        String reason = result.getRejection().getReason().name().replace("REJECTION_REASON_", "").replace('_', ' ').toLowerCase();
        outcome.setText("\u2717 " + reason);
        outcome.setToolTipText(result.getRejection().getMessage());
      }
    }
  }

  private final ServerConnection connection;
  private final Supplier<byte[]> liveFrame;
  private final Runnable galleryChanged;
  private final StatusBar status;
  private final JRadioButton newPerson = new JRadioButton("New person", true);
  private final JRadioButton existingPerson = new JRadioButton("Add to");
  private final JTextField name = new JTextField(16);
  private final JComboBox<Person> existing = new JComboBox<>();
  private final JButton capture = new JButton("Capture (S)");
  private final JButton addFiles = new JButton("Add photos...");
  private final JButton enroll = new JButton("Enroll");
  private final JButton clear = new JButton("Clear");
  private final JPanel strip = new JPanel(new GridLayout(0, 2, 4, 4));
  private final List<Shot> shots = new ArrayList<>();

  EnrollPanel(ServerConnection connection, Supplier<byte[]> liveFrame, Runnable galleryChanged, StatusBar status) {
    super(new BorderLayout(0, 8));
    this.connection = connection;
    this.liveFrame = liveFrame;
    this.galleryChanged = galleryChanged;
    this.status = status;
    setName("enrollPanel");
    setBorder(BorderFactory.createEmptyBorder(8, 8, 8, 8));
    name.setName("enrollName");
    existing.setName("enrollExisting");
    capture.setName("capture");
    addFiles.setName("addFiles");
    enroll.setName("enroll");
    clear.setName("clearShots");
    existing.setRenderer((list, person, index, selected, focused) -> new JLabel(person == null ? "" : person.getDisplayName()));

    ButtonGroup who = new ButtonGroup();
    who.add(newPerson);
    who.add(existingPerson);
    newPerson.addActionListener(e -> updateButtons());
    existingPerson.addActionListener(e -> {
      refreshPersons();
      updateButtons();
    });
    JPanel target = new JPanel();
    target.setLayout(new BoxLayout(target, BoxLayout.Y_AXIS));
    target.add(row(newPerson, name));
    target.add(row(existingPerson, existing));

    JPanel actions = new JPanel(new FlowLayout(FlowLayout.LEFT, 4, 0));
    actions.add(capture);
    actions.add(addFiles);
    JPanel north = new JPanel(new BorderLayout(0, 6));
    JLabel title = new JLabel("Enroll");
    title.setFont(Theme.bold(title.getFont()).deriveFont(title.getFont().getSize2D() * 1.2f));
    north.add(title, BorderLayout.NORTH);
    north.add(target, BorderLayout.CENTER);
    north.add(actions, BorderLayout.SOUTH);

    JPanel stripHolder = new JPanel(new BorderLayout());
    stripHolder.add(strip, BorderLayout.NORTH);
    JScrollPane scroll = new JScrollPane(stripHolder);
    scroll.setBorder(BorderFactory.createTitledBorder("Shots (drop photos here)"));
    scroll.setTransferHandler(new FileDrop());
    stripHolder.setTransferHandler(new FileDrop());

    JPanel south = new JPanel(new FlowLayout(FlowLayout.RIGHT, 4, 0));
    south.add(clear);
    south.add(enroll);

    add(north, BorderLayout.NORTH);
    add(scroll, BorderLayout.CENTER);
    add(south, BorderLayout.SOUTH);

    capture.addActionListener(e -> capture());
    addFiles.addActionListener(e -> chooseFiles());
    enroll.addActionListener(e -> enroll());
    clear.addActionListener(e -> clearShots());
    name.getDocument().addDocumentListener(new javax.swing.event.DocumentListener() {
      public void insertUpdate(javax.swing.event.DocumentEvent e) {
        updateButtons();
      }

      public void removeUpdate(javax.swing.event.DocumentEvent e) {
        updateButtons();
      }

      public void changedUpdate(javax.swing.event.DocumentEvent e) {
        updateButtons();
      }
    });
    updateButtons();
  }

  private static JPanel row(javax.swing.JComponent left, javax.swing.JComponent right) {
    JPanel row = new JPanel(new BorderLayout(6, 0));
    row.add(left, BorderLayout.WEST);
    row.add(right, BorderLayout.CENTER);
    row.setBorder(BorderFactory.createEmptyBorder(2, 0, 2, 0));
    return row;
  }

  /** Takes the live view's current frame as a shot. */
  void capture() {
    byte[] frame = liveFrame.get();
    if (frame == null) {
      status.message("Nothing to capture: start the live view first (Live menu).", true);
      return;
    }
    addShot(frame);
  }

  /** Adds photos from files as shots (what the file chooser and drag and drop call). */
  void addFiles(List<Path> files) {
    new SwingWorker<List<byte[]>, Void>() {
      @Override
      protected List<byte[]> doInBackground() throws IOException {
        List<byte[]> read = new ArrayList<>();
        for (Path file : files) {
          read.add(Files.readAllBytes(file));
        }
        return read;
      }

      @Override
      protected void done() {
        try {
          get().forEach(EnrollPanel.this::addShot);
        } catch (Exception e) {
          status.message("The photos could not be read: " + e.getCause().getMessage(), true);
        }
      }
    }.execute();
  }

  private void addShot(byte[] bytes) {
    BufferedImage picture = Pictures.decode(bytes);
    if (picture == null) {
      status.message("That file is not a picture the console can show; it was not added.", true);
      return;
    }
    Shot shot = new Shot(bytes, picture);
    shots.add(shot);
    strip.add(shot);
    strip.revalidate();
    strip.repaint();
    updateButtons();
  }

  private void clearShots() {
    shots.clear();
    strip.removeAll();
    strip.revalidate();
    strip.repaint();
    updateButtons();
  }

  private void chooseFiles() {
    JFileChooser chooser = new JFileChooser();
    chooser.setMultiSelectionEnabled(true);
    chooser.setFileFilter(new FileNameExtensionFilter("Photos", "jpg", "jpeg", "png", "bmp", "webp"));
    if (chooser.showOpenDialog(this) == JFileChooser.APPROVE_OPTION) {
      addFiles(java.util.Arrays.stream(chooser.getSelectedFiles()).map(File::toPath).toList());
    }
  }

  private void enroll() {
    List<Shot> sending = List.copyOf(shots);
    EnrollRequest.Builder request = EnrollRequest.newBuilder();
    if (newPerson.isSelected()) {
      request.setDisplayName(name.getText().strip());
    } else {
      request.setPersonId(((Person) existing.getSelectedItem()).getPersonId());
    }
    sending.forEach(shot -> request.addImages(Image.newBuilder().setEncoded(com.google.protobuf.ByteString.copyFrom(shot.bytes))));
    enroll.setEnabled(false);
    status.message("Enrolling " + sending.size() + " shot(s)...", false);
    ServerConnection.onEventThread(
        GalleryServiceGrpc.newFutureStub(connection.channel()).withDeadlineAfter(60, TimeUnit.SECONDS).enroll(request.build()),
        response -> enrolled(sending, response),
        error -> {
          status.message("Enroll failed: " + ErrorMessages.describe(error), true);
          updateButtons();
        });
  }

  private void enrolled(List<Shot> sent, EnrollResponse response) {
    for (int i = 0; i < sent.size() && i < response.getResultsCount(); i++) {
      sent.get(i).show(response.getResults(i));
    }
    String who = response.hasPerson() ? response.getPerson().getDisplayName() : name.getText().strip();
    status.message(response.getEnrolledCount() + " of " + sent.size() + " shot(s) enrolled for " + who
        + (response.getEnrolledCount() < sent.size() ? "; hover over a rejected shot to see why" : ""),
        response.getEnrolledCount() == 0);
    galleryChanged.run();
    refreshPersons();
    updateButtons();
  }

  /** Reloads the persons offered under "Add to". */
  void refreshPersons() {
    ServerConnection.onEventThread(
        GalleryServiceGrpc.newFutureStub(connection.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
            .listPersons(ListPersonsRequest.newBuilder().setPageSize(1000).build()),
        page -> {
          Object selected = existing.getSelectedItem();
          existing.setModel(new DefaultComboBoxModel<>(page.getPersonsList().toArray(Person[]::new)));
          if (selected instanceof Person person) {
            page.getPersonsList().stream().filter(p -> p.getPersonId().equals(person.getPersonId())).findFirst()
                .ifPresent(existing::setSelectedItem);
          }
          updateButtons();
        },
        error -> { });
  }

  private void updateButtons() {
    boolean target = newPerson.isSelected() ? !name.getText().isBlank() : existing.getSelectedItem() != null;
    enroll.setEnabled(target && !shots.isEmpty());
    clear.setEnabled(!shots.isEmpty());
    name.setEnabled(newPerson.isSelected());
    existing.setEnabled(existingPerson.isSelected());
  }

  /** Accepts photo files dragged in from the desktop. */
  private final class FileDrop extends TransferHandler {
    @Override
    public boolean canImport(TransferSupport support) {
      return support.isDataFlavorSupported(DataFlavor.javaFileListFlavor);
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean importData(TransferSupport support) {
      try {
        List<File> files = (List<File>) support.getTransferable().getTransferData(DataFlavor.javaFileListFlavor);
        addFiles(files.stream().map(File::toPath).toList());
        return true;
      } catch (Exception e) {
        return false;
      }
    }
  }
}
