package org.neuronexplainer.worker.prompt;

/** Who speaks a message (docs/method.md 3.3); {@link #wireName()} is the chat API's role string. */
public enum Role {
  SYSTEM("system"),
  USER("user"),
  ASSISTANT("assistant");

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  /** The {@code role} value of the chat completions API. */
  public String wireName() {
    return wireName;
  }
}
