package dev.visage.console.connection;

import java.util.prefs.Preferences;

/** Keeps the connection settings between runs, in the user's Java preferences. */
public final class SettingsStore {

  private final Preferences node;

  public SettingsStore(Preferences node) {
    this.node = node;
  }

  public ConnectionSettings load() {
    ConnectionSettings defaults = ConnectionSettings.DEFAULT;
    boolean remember = node.getBoolean("rememberKey", false);
    return new ConnectionSettings(
        node.get("host", defaults.host()),
        node.getInt("port", defaults.port()),
        node.getBoolean("tls", defaults.tls()),
        node.get("caFile", defaults.caFile()),
        node.get("clientCertFile", defaults.clientCertFile()),
        node.get("clientKeyFile", defaults.clientKeyFile()),
        remember ? node.get("apiKey", "") : "",
        remember);
  }

  public void save(ConnectionSettings settings) {
    node.put("host", settings.host());
    node.putInt("port", settings.port());
    node.putBoolean("tls", settings.tls());
    node.put("caFile", settings.caFile());
    node.put("clientCertFile", settings.clientCertFile());
    node.put("clientKeyFile", settings.clientKeyFile());
    node.putBoolean("rememberKey", settings.rememberKey());
    if (settings.rememberKey()) {
      node.put("apiKey", settings.apiKey());
    } else {
      node.remove("apiKey");
    }
  }

  public Preferences node() {
    return node;
  }
}
