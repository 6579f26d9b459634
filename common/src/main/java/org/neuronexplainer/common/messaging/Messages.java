package org.neuronexplainer.common.messaging;

/** The wire schema version shared by every message of this contract. */
public final class Messages {

  /**
   * The version this code writes and the newest it reads. Additive changes (a new optional field)
   * keep it; a change an older reader would misread raises it, so old workers dead-letter new jobs
   * instead of guessing.
   */
  public static final int SCHEMA_VERSION = 1;

  private Messages() {}

  static void checkVersion(int schemaVersion) {
    if (schemaVersion < 1 || schemaVersion > SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          "schemaVersion " + schemaVersion + " is not in 1.." + SCHEMA_VERSION);
    }
  }

  static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return value;
  }
}
