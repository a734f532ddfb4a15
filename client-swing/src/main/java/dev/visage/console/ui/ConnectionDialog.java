package dev.visage.console.ui;

import dev.visage.console.connection.ConnectionSettings;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.awt.Window;
import java.util.Optional;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JCheckBox;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JFileChooser;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JPasswordField;
import javax.swing.JSpinner;
import javax.swing.JTextField;
import javax.swing.SpinnerNumberModel;

/** Where the server is and how to reach it: address, TLS (with a client certificate for mutual TLS), API key. */
final class ConnectionDialog extends JDialog {

  private final JTextField host = new JTextField(20);
  private final JSpinner port = new JSpinner(new SpinnerNumberModel(50051, 1, 65535, 1));
  private final JCheckBox tls = new JCheckBox("Use TLS");
  private final JTextField caFile = new JTextField(20);
  private final JTextField clientCertFile = new JTextField(20);
  private final JTextField clientKeyFile = new JTextField(20);
  private final JPasswordField apiKey = new JPasswordField(20);
  private final JCheckBox rememberKey = new JCheckBox("Remember the key on this computer");
  private ConnectionSettings result;

  private ConnectionDialog(Window owner, ConnectionSettings current) {
    super(owner, "Connection", ModalityType.APPLICATION_MODAL);
    host.setText(current.host());
    port.setValue(current.port());
    port.setEditor(new JSpinner.NumberEditor(port, "#"));
    tls.setSelected(current.tls());
    caFile.setText(current.caFile());
    clientCertFile.setText(current.clientCertFile());
    clientKeyFile.setText(current.clientKeyFile());
    apiKey.setText(current.apiKey());
    rememberKey.setSelected(current.rememberKey());

    JPanel form = new JPanel(new GridBagLayout());
    form.setBorder(BorderFactory.createEmptyBorder(12, 12, 12, 12));
    row(form, 0, "Host", host);
    row(form, 1, "Port", port);
    row(form, 2, "", tls);
    row(form, 3, "Trusted CA (PEM)", withBrowse(caFile));
    row(form, 4, "Client certificate (PEM)", withBrowse(clientCertFile));
    row(form, 5, "Client key (PEM)", withBrowse(clientKeyFile));
    row(form, 6, "API key", apiKey);
    row(form, 7, "", rememberKey);

    JButton ok = new JButton("Connect");
    JButton cancel = new JButton("Cancel");
    ok.addActionListener(e -> accept());
    cancel.addActionListener(e -> dispose());
    JPanel buttons = new JPanel(new FlowLayout(FlowLayout.RIGHT));
    buttons.add(cancel);
    buttons.add(ok);
    getRootPane().setDefaultButton(ok);

    setLayout(new BorderLayout());
    add(form, BorderLayout.CENTER);
    add(buttons, BorderLayout.SOUTH);
    pack();
    setLocationRelativeTo(owner);
  }

  /** A file field with a Browse button (for mutual TLS the client files are only needed with it). */
  private JPanel withBrowse(JTextField field) {
    JButton browse = new JButton("Browse...");
    browse.addActionListener(e -> {
      JFileChooser chooser = new JFileChooser();
      if (chooser.showOpenDialog(this) == JFileChooser.APPROVE_OPTION) {
        field.setText(chooser.getSelectedFile().getPath());
      }
    });
    JPanel row = new JPanel(new BorderLayout(6, 0));
    row.add(field, BorderLayout.CENTER);
    row.add(browse, BorderLayout.EAST);
    return row;
  }

  private static void row(JPanel form, int row, String label, JComponent field) {
    GridBagConstraints c = new GridBagConstraints();
    c.gridy = row;
    c.insets = new Insets(4, 4, 4, 4);
    c.anchor = GridBagConstraints.LINE_END;
    form.add(new JLabel(label), c);
    c.gridx = 1;
    c.anchor = GridBagConstraints.LINE_START;
    c.fill = GridBagConstraints.HORIZONTAL;
    c.weightx = 1;
    form.add(field, c);
  }

  private void accept() {
    String address = host.getText().strip();
    if (address.isEmpty()) {
      JOptionPane.showMessageDialog(this, "Enter the server's host name or address.", "Connection", JOptionPane.WARNING_MESSAGE);
      return;
    }
    if (clientCertFile.getText().isBlank() != clientKeyFile.getText().isBlank()) {
      JOptionPane.showMessageDialog(this, "A client certificate needs its key, and a key its certificate.",
          "Connection", JOptionPane.WARNING_MESSAGE);
      return;
    }
    result = new ConnectionSettings(address, (Integer) port.getValue(), tls.isSelected(), caFile.getText().strip(),
        clientCertFile.getText().strip(), clientKeyFile.getText().strip(), new String(apiKey.getPassword()),
        rememberKey.isSelected());
    dispose();
  }

  /** Shows the dialog; empty when cancelled. */
  static Optional<ConnectionSettings> ask(Window owner, ConnectionSettings current) {
    ConnectionDialog dialog = new ConnectionDialog(owner, current);
    dialog.setVisible(true);
    return Optional.ofNullable(dialog.result);
  }
}
