package dev.visage.server.api;

import java.text.Normalizer;
import java.util.regex.Pattern;

/** Checks of the fields clients fill in, with messages that say what a valid value looks like. */
final class RequestValidation {

  static final int MAX_NAME_LENGTH = 200;
  private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private RequestValidation() {}

  /** An id as the server issues them (a lower-case UUID). */
  static String id(String field, String value) {
    if (value.isEmpty()) {
      throw ApiErrors.invalid(field + " is empty; set it to an id returned by Enroll or ListPersons");
    }
    if (!ID.matcher(value).matches()) {
      throw ApiErrors.invalid(field + " " + quote(value) + " is not an id this server issues; ids look like "
          + "'3f2b8c1e-9d4a-4e7b-8a2c-5d6e7f809a1b' (as returned by Enroll or ListPersons)");
    }
    return value;
  }

  /** A display name: trimmed, NFC-normalised, 1 to 200 characters, no control characters. */
  static String displayName(String field, String value) {
    String name = Normalizer.normalize(value, Normalizer.Form.NFC).strip();
    if (name.isEmpty()) {
      throw ApiErrors.invalid(field + " is empty; give the person a name of 1 to " + MAX_NAME_LENGTH + " characters");
    }
    int length = name.codePointCount(0, name.length());
    if (length > MAX_NAME_LENGTH) {
      throw ApiErrors.invalid(field + " is " + length + " characters long; at most " + MAX_NAME_LENGTH + " are allowed");
    }
    for (int i = 0; i < name.length(); ) {
      int codePoint = name.codePointAt(i);
      int type = Character.getType(codePoint);
      if (type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.SURROGATE || type == Character.UNASSIGNED) {
        throw ApiErrors.invalid(String.format("%s contains the character U+%04X at position %d; "
            + "a name is plain text on one line", field, codePoint, name.codePointCount(0, i) + 1));
      }
      i += Character.charCount(codePoint);
    }
    return name;
  }

  /** A value shown back to the client: short, and with control characters made visible. */
  static String quote(String value) {
    String shown = value.length() > 60 ? value.substring(0, 60) + "..." : value;
    StringBuilder quoted = new StringBuilder("'");
    shown.codePoints().forEach(c -> {
      if (Character.isISOControl(c)) {
        quoted.append(String.format("\\u%04x", c));
      } else {
        quoted.appendCodePoint(c);
      }
    });
    return quoted.append('\'').toString();
  }
}
