package org.neuronexplainer.worker.prompt;

import java.util.List;
import java.util.Objects;

/**
 * A built prompt: a message list for chat endpoints or one string for completion endpoints.
 *
 * @param format the format it was built in
 * @param messages the validated messages; for string formats, the messages the text was made of
 *     (with the end-of-prompt marker already added in instruction-following format)
 * @param text the concatenated string for string formats; null for {@link PromptFormat#CHAT}
 */
public record Prompt(PromptFormat format, List<Message> messages, String text) {

  public Prompt {
    Objects.requireNonNull(format, "format");
    messages = List.copyOf(messages);
    if (format.isChat() != (text == null)) {
      throw new IllegalArgumentException(
          "a " + format.configName() + " prompt " + (text == null ? "needs" : "has no") + " text");
    }
  }

  /** Whether this prompt goes to a chat endpoint as a message list. */
  public boolean isChat() {
    return format.isChat();
  }
}
