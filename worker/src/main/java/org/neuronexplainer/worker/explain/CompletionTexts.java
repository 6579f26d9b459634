package org.neuronexplainer.worker.explain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The generated text of each choice of a chat or completions response body. */
public final class CompletionTexts {
  private CompletionTexts() {}

  /**
   * One entry per choice, in index order: {@code message.content} for chat, {@code text} for
   * completions; null where a choice has neither (a refusal or a tool call).
   *
   * @throws ExplanationParseException when there is no {@code choices} array
   */
  public static List<String> of(JsonNode response) {
    JsonNode choices = response == null ? null : response.get("choices");
    if (choices == null || !choices.isArray()) {
      throw new ExplanationParseException("the response has no choices array: " + response);
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode choice : choices) {
      JsonNode message = choice.get("message");
      JsonNode text = message != null ? message.get("content") : choice.get("text");
      texts.add(text != null && text.isTextual() ? text.textValue() : null);
    }
    return texts;
  }
}
