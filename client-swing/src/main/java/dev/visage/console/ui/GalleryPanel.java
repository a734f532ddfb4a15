package dev.visage.console.ui;

import dev.visage.api.v1.DeleteFaceRequest;
import dev.visage.api.v1.DeletePersonRequest;
import dev.visage.api.v1.Face;
import dev.visage.api.v1.GalleryServiceGrpc;
import dev.visage.api.v1.GetPersonRequest;
import dev.visage.api.v1.ListPersonsRequest;
import dev.visage.api.v1.ListPersonsResponse;
import dev.visage.api.v1.Person;
import dev.visage.api.v1.RenamePersonRequest;
import dev.visage.console.connection.ErrorMessages;
import dev.visage.console.connection.ServerConnection;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.event.ActionEvent;
import java.awt.event.KeyEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.swing.AbstractAction;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.JTextField;
import javax.swing.KeyStroke;
import javax.swing.ListSelectionModel;
import javax.swing.Timer;
import javax.swing.table.AbstractTableModel;

/**
 * The enrolled persons: search, rename, delete a person or one of their faces. Every change made
 * here (or by enrollment in this console) reloads the table.
 */
final class GalleryPanel extends JPanel {

  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

  private final ServerConnection connection;
  private final StatusBar status;
  private final JTextField search = new JTextField(20);
  private final PersonTable model = new PersonTable();
  private final JTable table = new JTable(model);
  private final JLabel count = new JLabel(" ");
  private final JButton rename = new JButton("Rename... (F2)");
  private final JButton delete = new JButton("Delete... (Del)");
  private final JButton faces = new JButton("Faces...");
  private long loadGeneration;

  GalleryPanel(ServerConnection connection, StatusBar status) {
    super(new BorderLayout(0, 8));
    this.connection = connection;
    this.status = status;
    setName("galleryPanel");
    setBorder(BorderFactory.createEmptyBorder(8, 8, 8, 8));
    search.setName("gallerySearch");
    table.setName("galleryTable");
    rename.setName("rename");
    delete.setName("deletePerson");
    faces.setName("faces");
    search.putClientProperty("JTextField.placeholderText", "Search by name");
    table.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
    table.setAutoCreateRowSorter(true);
    table.getSelectionModel().addListSelectionListener(e -> updateButtons());

    JButton refresh = new JButton("Refresh (F5)");
    refresh.setName("refreshGallery");
    refresh.addActionListener(e -> reload());
    rename.addActionListener(e -> renameSelected());
    delete.addActionListener(e -> deleteSelected());
    faces.addActionListener(e -> showFaces());
    Timer debounce = new Timer(300, e -> reload());
    debounce.setRepeats(false);
    search.getDocument().addDocumentListener(new javax.swing.event.DocumentListener() {
      public void insertUpdate(javax.swing.event.DocumentEvent e) {
        debounce.restart();
      }

      public void removeUpdate(javax.swing.event.DocumentEvent e) {
        debounce.restart();
      }

      public void changedUpdate(javax.swing.event.DocumentEvent e) {
        debounce.restart();
      }
    });
    bind("F5", "refresh", this::reload);
    bind("F2", "rename", this::renameSelected);
    bind("DELETE", "delete", this::deleteSelected);

    JPanel top = new JPanel(new BorderLayout(8, 0));
    top.add(search, BorderLayout.CENTER);
    top.add(refresh, BorderLayout.EAST);
    JPanel buttons = new JPanel(new FlowLayout(FlowLayout.RIGHT, 6, 0));
    buttons.add(faces);
    buttons.add(rename);
    buttons.add(delete);
    JPanel bottom = new JPanel(new BorderLayout());
    bottom.add(count, BorderLayout.WEST);
    bottom.add(buttons, BorderLayout.EAST);
    add(top, BorderLayout.NORTH);
    add(new JScrollPane(table), BorderLayout.CENTER);
    add(bottom, BorderLayout.SOUTH);
    updateButtons();
  }

  private void bind(String key, String name, Runnable action) {
    getInputMap(JComponent.WHEN_ANCESTOR_OF_FOCUSED_COMPONENT).put(KeyStroke.getKeyStroke(key), name);
    getActionMap().put(name, new AbstractAction() {
      @Override
      public void actionPerformed(ActionEvent e) {
        action.run();
      }
    });
  }

  /** Reloads every page of persons matching the search, asynchronously. */
  void reload() {
    long generation = ++loadGeneration;
    loadPage(generation, "", new ArrayList<>());
  }

  private void loadPage(long generation, String token, List<Person> sofar) {
    ServerConnection.onEventThread(
        GalleryServiceGrpc.newFutureStub(connection.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
            .listPersons(ListPersonsRequest.newBuilder().setPageSize(500).setPageToken(token)
                .setNameContains(search.getText().strip()).build()),
        (ListPersonsResponse page) -> {
          if (generation != loadGeneration) {
            return; // a newer search started meanwhile
          }
          sofar.addAll(page.getPersonsList());
          if (!page.getNextPageToken().isEmpty()) {
            loadPage(generation, page.getNextPageToken(), sofar);
            return;
          }
          showKeepingSelection(sofar);
          count.setText(sofar.size() + (sofar.size() == 1 ? " person" : " persons"));
          updateButtons();
        },
        error -> status.message("The gallery could not be loaded: " + ErrorMessages.describe(error), true));
  }

  /** Replaces the rows; the person selected before stays selected, so a refresh never moves the operator. */
  private void showKeepingSelection(List<Person> persons) {
    Person before = selected();
    model.set(persons);
    if (before == null) {
      return;
    }
    for (int i = 0; i < persons.size(); i++) {
      if (persons.get(i).getPersonId().equals(before.getPersonId())) {
        int row = table.convertRowIndexToView(i);
        if (row >= 0) {
          table.setRowSelectionInterval(row, row);
        }
        return;
      }
    }
  }

  private Person selected() {
    int row = table.getSelectedRow();
    return row < 0 ? null : model.persons.get(table.convertRowIndexToModel(row));
  }

  private void renameSelected() {
    Person person = selected();
    if (person == null) {
      return;
    }
    Object answer = JOptionPane.showInputDialog(this, "New name for " + person.getDisplayName() + ":", "Rename",
        JOptionPane.PLAIN_MESSAGE, null, null, person.getDisplayName());
    if (answer == null || answer.toString().isBlank()) {
      return;
    }
    rename(person, answer.toString());
  }

  /** Renames a person (what the Rename dialog does once a name is entered). */
  void rename(Person person, String newName) {
    ServerConnection.onEventThread(
        GalleryServiceGrpc.newFutureStub(connection.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
            .renamePerson(RenamePersonRequest.newBuilder().setPersonId(person.getPersonId()).setDisplayName(newName).build()),
        response -> {
          status.message("Renamed to " + response.getPerson().getDisplayName(), false);
          reload();
        },
        error -> status.message("Rename failed: " + ErrorMessages.describe(error), true));
  }

  private void deleteSelected() {
    Person person = selected();
    if (person == null) {
      return;
    }
    int answer = JOptionPane.showConfirmDialog(this, "Delete " + person.getDisplayName() + " and their "
        + person.getFaceCount() + " face(s)? This cannot be undone.", "Delete person", JOptionPane.OK_CANCEL_OPTION,
        JOptionPane.WARNING_MESSAGE);
    if (answer == JOptionPane.OK_OPTION) {
      delete(person);
    }
  }

  /** Deletes a person (what the confirmation dialog does when confirmed). */
  void delete(Person person) {
    ServerConnection.onEventThread(
        GalleryServiceGrpc.newFutureStub(connection.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
            .deletePerson(DeletePersonRequest.newBuilder().setPersonId(person.getPersonId()).build()),
        response -> {
          status.message("Deleted " + person.getDisplayName() + " (" + response.getDeletedFaceCount() + " face(s))", false);
          reload();
        },
        error -> status.message("Delete failed: " + ErrorMessages.describe(error), true));
  }

  private void showFaces() {
    Person person = selected();
    if (person == null) {
      return;
    }
    ServerConnection.onEventThread(
        GalleryServiceGrpc.newFutureStub(connection.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
            .getPerson(GetPersonRequest.newBuilder().setPersonId(person.getPersonId()).build()),
        response -> chooseFaceToDelete(response.getPerson()),
        error -> status.message("The faces could not be loaded: " + ErrorMessages.describe(error), true));
  }

  private void chooseFaceToDelete(Person person) {
    if (person.getFacesCount() == 0) {
      JOptionPane.showMessageDialog(this, person.getDisplayName() + " has no faces left.");
      return;
    }
    String[] choices = person.getFacesList().stream().map(face -> String.format(Locale.ROOT, "%s  (%s, face %.0f px, score %.2f)",
        face.getFaceId().substring(0, 8), WHEN.format(Instant.ofEpochSecond(face.getCreateTime().getSeconds())),
        face.getSourceFace().getBox().getWidth(), face.getSourceFace().getDetectionScore())).toArray(String[]::new);
    Object chosen = JOptionPane.showInputDialog(this, person.getDisplayName() + "'s faces. Delete which one?", "Faces",
        JOptionPane.PLAIN_MESSAGE, null, choices, choices[0]);
    if (chosen == null) {
      return;
    }
    Face face = person.getFaces(java.util.Arrays.asList(choices).indexOf(chosen));
    ServerConnection.onEventThread(
        GalleryServiceGrpc.newFutureStub(connection.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
            .deleteFace(DeleteFaceRequest.newBuilder().setFaceId(face.getFaceId()).build()),
        response -> {
          status.message("Deleted a face of " + person.getDisplayName() + "; " + response.getRemainingFaceCount() + " left", false);
          reload();
        },
        error -> status.message("Delete failed: " + ErrorMessages.describe(error), true));
  }

  private void updateButtons() {
    boolean one = selected() != null;
    rename.setEnabled(one);
    delete.setEnabled(one);
    faces.setEnabled(one);
  }

  /** The persons shown (for tests and for other panels). */
  List<Person> persons() {
    return List.copyOf(model.persons);
  }

  private static final class PersonTable extends AbstractTableModel {
    private static final String[] COLUMNS = {"Name", "Id", "Faces", "Enrolled"};
    private List<Person> persons = List.of();

    void set(List<Person> rows) {
      persons = List.copyOf(rows);
      fireTableDataChanged();
    }

    @Override
    public int getRowCount() {
      return persons.size();
    }

    @Override
    public int getColumnCount() {
      return COLUMNS.length;
    }

    @Override
    public String getColumnName(int column) {
      return COLUMNS[column];
    }

    @Override
    public Class<?> getColumnClass(int column) {
      return column == 2 ? Integer.class : String.class;
    }

    @Override
    public Object getValueAt(int row, int column) {
      Person person = persons.get(row);
      return switch (column) {
        case 0 -> person.getDisplayName();
        case 1 -> person.getPersonId();
        case 2 -> person.getFaceCount();
        default -> WHEN.format(Instant.ofEpochSecond(person.getCreateTime().getSeconds()));
      };
    }
  }
}
