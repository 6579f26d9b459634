package org.neuronexplainer.worker.texts;

/**
 * A prompt-texts file that cannot be used: unreadable, not a JSON object of strings, a name missing
 * or unknown, or a placeholder that does not fit. The message names the file and the text.
 */
public final class PromptTextsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  PromptTextsException(String message) {
    super(message);
  }

  PromptTextsException(String message, Throwable cause) {
    super(message, cause);
  }
}
