package dev.visage.server.security;

import java.util.Locale;

/** What an API key may do. Each role may do everything the roles before it may. */
public enum Role {
  /** Recognise, identify, detect, verify, list and read persons and cameras, watch events. */
  VIEWER,
  /** A viewer who may also enroll, rename and delete persons and faces. */
  OPERATOR,
  /** An operator who may also add and remove cameras and purge deleted faces from the files. */
  ADMIN;

  public boolean includes(Role other) {
    return compareTo(other) >= 0;
  }

  public String lowerCase() {
    return name().toLowerCase(Locale.ROOT);
  }
}
