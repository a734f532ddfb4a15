package dev.visage.server.security;

/** When calls must carry an API key. */
public enum AuthMode {
  /** Whenever the key file holds at least one key: creating the first key locks the server at once. */
  AUTO,
  /** Always; with no keys, only health checks and reflection answer. */
  KEYS,
  /** Never: every client may make every call. */
  NONE
}
