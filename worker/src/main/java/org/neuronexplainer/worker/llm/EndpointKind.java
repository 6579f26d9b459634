package org.neuronexplainer.worker.llm;

/** Which OpenAI-compatible endpoint a request goes to; chosen by the caller, never guessed. */
public enum EndpointKind {
  /** {@code /chat/completions}: a {@code messages} list. */
  CHAT("chat/completions"),
  /** {@code /completions}: a {@code prompt}; the one endpoint with echo and prompt logprobs. */
  COMPLETIONS("completions");

  private final String path;

  EndpointKind(String path) {
    this.path = path;
  }

  /** The path below the API base, without a leading '/'. */
  public String path() {
    return path;
  }
}
