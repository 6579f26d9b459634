package org.neuronexplainer.worker.explain;

/** The explainer model's context window, which decides how much the prompt is trimmed (3.4). */
public enum ContextSize {
  /** 2,049 tokens: each few-shot example keeps one record, the target keeps two. */
  TWO_K(2049),
  /** 4,097 tokens: few-shot records are dropped one at a time until the prompt fits. */
  FOUR_K(4097);

  private final int tokens;

  ContextSize(int tokens) {
    this.tokens = tokens;
  }

  public int tokens() {
    return tokens;
  }
}
