package dev.visage.console.ui;

import dev.visage.api.v1.TrackEvent;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.table.AbstractTableModel;

/** The latest track events, newest first: who appeared, was recognised, changed, left. */
final class EventLogPanel extends JScrollPane {

  private static final int KEEP = 500;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private record Row(String time, long track, String what, String who) {}

  private final List<Row> rows = new ArrayList<>();
  private final AbstractTableModel model = new AbstractTableModel() {
    private final String[] columns = {"Time", "Track", "Event", "Who"};

    @Override
    public int getRowCount() {
      return rows.size();
    }

    @Override
    public int getColumnCount() {
      return columns.length;
    }

    @Override
    public String getColumnName(int column) {
      return columns[column];
    }

    @Override
    public Object getValueAt(int row, int column) {
      Row entry = rows.get(row);
      return switch (column) {
        case 0 -> entry.time();
        case 1 -> entry.track();
        case 2 -> entry.what();
        default -> entry.who();
      };
    }
  };

  EventLogPanel() {
    JTable table = new JTable(model);
    table.setName("eventLog");
    setViewportView(table);
  }

  void add(TrackEvent event) {
    String what = switch (event.getType()) {
      case TRACK_EVENT_TYPE_STARTED -> "appeared";
      case TRACK_EVENT_TYPE_IDENTIFIED -> "recognised";
      case TRACK_EVENT_TYPE_IDENTITY_CHANGED -> "changed";
      case TRACK_EVENT_TYPE_ENDED -> "left";
      default -> event.getType().name();
    };
    String who = event.hasIdentity() ? event.getIdentity().getDisplayName() : "unknown";
    rows.add(0, new Row(LocalTime.now().format(TIME), event.getTrackId(), what, who));
    if (rows.size() > KEEP) {
      rows.remove(rows.size() - 1);
    }
    model.fireTableDataChanged();
  }

  /** The names given to faces so far (recognised, or changed to), newest first. */
  List<String> namesGiven() {
    List<String> names = new ArrayList<>();
    rows.forEach(row -> {
      if ((row.what().equals("recognised") || row.what().equals("changed")) && !row.who().equals("unknown")) {
        names.add(row.who());
      }
    });
    return names;
  }

  int eventCount() {
    return rows.size();
  }
}
