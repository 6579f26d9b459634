package org.neuronexplainer.worker.prompt;

import java.util.Arrays;
import java.util.Locale;

/** How a message list is turned into what an endpoint takes (docs/method.md 3.3). */
public enum PromptFormat {
  /** All contents concatenated into one string, for {@code /v1/completions}. */
  NONE("none"),
  /**
   * Like {@link #NONE}, with {@link #END_OF_PROMPT} appended to the last user message, for
   * instruction-tuned completion models.
   */
  INSTRUCTION_FOLLOWING("instruction-following"),
  /** The message list itself, for {@code /v1/chat/completions} (the original's harmony_v4). */
  CHAT("chat");

  /** The marker that ends the instruction in {@link #INSTRUCTION_FOLLOWING} prompts. */
  public static final String END_OF_PROMPT = "<|endofprompt|>";

  private final String configName;

  PromptFormat(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /** Whether the prompt is sent as a message list rather than a string. */
  public boolean isChat() {
    return this == CHAT;
  }

  /**
   * The format called {@code name}: {@code none}, {@code instruction-following} or {@code chat}.
   */
  public static PromptFormat fromConfigName(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(format -> format.configName.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown prompt format \""
                        + name
                        + "\" (expected none, instruction-following or chat)"));
  }
}
