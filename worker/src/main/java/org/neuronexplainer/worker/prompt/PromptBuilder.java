package org.neuronexplainer.worker.prompt;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects messages and builds them into a {@link Prompt} in one of the three formats
 * (docs/method.md 3.3).
 *
 * <p>Validation: the first message is the system message; after it roles alternate user, assistant,
 * user, ...; a further system message is accepted only when the caller allows it (the one-at-a-time
 * simulator's switch to a single-token task) and does not count in the alternation.
 */
public final class PromptBuilder {
  private final List<Message> messages = new ArrayList<>();

  public PromptBuilder add(Message message) {
    messages.add(message);
    return this;
  }

  public PromptBuilder system(String content) {
    return add(Message.system(content));
  }

  public PromptBuilder user(String content) {
    return add(Message.user(content));
  }

  public PromptBuilder assistant(String content) {
    return add(Message.assistant(content));
  }

  /** The prompt with no extra system messages allowed. */
  public Prompt build(PromptFormat format) {
    return build(format, false);
  }

  /**
   * The validated prompt in {@code format}.
   *
   * @throws IllegalStateException when the roles are out of order
   */
  public Prompt build(PromptFormat format, boolean allowExtraSystemMessages) {
    validate(allowExtraSystemMessages);
    if (format.isChat()) {
      return new Prompt(format, messages, null);
    }
    List<Message> used = new ArrayList<>(messages);
    if (format == PromptFormat.INSTRUCTION_FOLLOWING) {
      int last = lastUserIndex(used);
      Message user = used.get(last);
      used.set(last, Message.user(user.content() + PromptFormat.END_OF_PROMPT));
    }
    StringBuilder text = new StringBuilder();
    used.forEach(message -> text.append(message.content()));
    return new Prompt(format, used, text.toString());
  }

  private void validate(boolean allowExtraSystemMessages) {
    if (messages.isEmpty() || messages.get(0).role() != Role.SYSTEM) {
      throw new IllegalStateException("a prompt starts with a system message");
    }
    Role expected = Role.USER;
    for (int i = 1; i < messages.size(); i++) {
      Role role = messages.get(i).role();
      if (role == Role.SYSTEM) {
        if (!allowExtraSystemMessages) {
          throw new IllegalStateException(
              "message " + i + " is a system message, and extra system messages are not allowed");
        }
        continue;
      }
      if (role != expected) {
        throw new IllegalStateException(
            "message " + i + " is from " + role.wireName() + ", expected " + expected.wireName());
      }
      expected = expected == Role.USER ? Role.ASSISTANT : Role.USER;
    }
  }

  private static int lastUserIndex(List<Message> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == Role.USER) {
        return i;
      }
    }
    throw new IllegalStateException(
        "an instruction-following prompt needs a user message for the end-of-prompt marker");
  }
}
