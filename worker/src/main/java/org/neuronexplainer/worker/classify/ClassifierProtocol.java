package org.neuronexplainer.worker.classify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.prompt.PromptBuilder;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.RequestBodies;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * The pure half of a model-backed classification scorer (docs/method.md 15.2, 15.3): the chat
 * request for one batch of excerpts, and the strict reading of its answer. {@link LlmClassifier}
 * sends them.
 *
 * <p>The user message is the explanation line, a blank line, one line per excerpt, a blank line and
 * the answer request. An excerpt is its tokens joined, line breaks written as {@code \n} and {@code
 * \r} so that it stays on its line; for fuzzing, each run of highlighted tokens is enclosed in
 * {@value #OPEN} and {@value #CLOSE}.
 */
public final class ClassifierProtocol {
  /** The mark before a run of highlighted tokens. */
  public static final String OPEN = "<<";

  /** The mark after a run of highlighted tokens. */
  public static final String CLOSE = ">>";

  /** Alternatives asked for at each answer token, to read the probability of a 1. */
  static final int TOP_LOGPROBS = 5;

  private final ClassifierKind kind;
  private final String model;
  private final PromptTexts texts;
  private final boolean logprobs;

  public ClassifierProtocol(
      ClassifierKind kind, String model, PromptTexts texts, boolean logprobs) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.model = model;
    this.texts = Objects.requireNonNull(texts, "texts");
    this.logprobs = logprobs;
  }

  /** The project's texts. */
  public ClassifierProtocol(ClassifierKind kind, String model, boolean logprobs) {
    this(kind, model, PromptTexts.defaults(), logprobs);
  }

  public ClassifierKind kind() {
    return kind;
  }

  /** The one chat request that asks about {@code batch}. */
  public LlmRequest request(String explanation, List<Excerpt> batch) {
    if (batch.isEmpty()) {
      throw new IllegalArgumentException("a classification call needs at least one excerpt");
    }
    StringBuilder user = new StringBuilder();
    user.append(texts.get(PromptText.CLASSIFIER_EXPLANATION_HEADING))
        .append(' ')
        .append(oneLine(explanation))
        .append("\n\n");
    for (int i = 0; i < batch.size(); i++) {
      user.append(texts.format(PromptText.CLASSIFIER_EXCERPT_HEADING, Map.of("excerpt", i + 1)))
          .append(' ')
          .append(render(batch.get(i)))
          .append('\n');
    }
    user.append('\n')
        .append(texts.format(PromptText.CLASSIFIER_ANSWER_REQUEST, Map.of("count", batch.size())));
    PromptText system =
        kind == ClassifierKind.DETECTION ? PromptText.DETECTION_SYSTEM : PromptText.FUZZING_SYSTEM;
    PromptBuilder builder = new PromptBuilder().system(texts.get(system)).user(user.toString());
    ObjectNode parameters =
        RequestBodies.parameters().put("max_tokens", maxTokens(batch.size())).put("temperature", 0);
    if (logprobs) {
      parameters.put("logprobs", true).put("top_logprobs", TOP_LOGPROBS);
    }
    return RequestBodies.forPrompt(model, builder.build(PromptFormat.CHAT), parameters);
  }

  /** Room for a list of {@code count} digits, a fence and some spacing. */
  static int maxTokens(int count) {
    return 16 + 4 * count;
  }

  /** The excerpt as the model sees it: one line, highlighted runs marked for fuzzing. */
  String render(Excerpt excerpt) {
    StringBuilder out = new StringBuilder();
    List<String> tokens = excerpt.tokens();
    List<Integer> highlighted = kind == ClassifierKind.FUZZING ? excerpt.highlighted() : List.of();
    for (int t = 0; t < tokens.size(); t++) {
      boolean on = highlighted.contains(t);
      boolean before = t > 0 && highlighted.contains(t - 1);
      boolean after = t + 1 < tokens.size() && highlighted.contains(t + 1);
      if (on && !before) {
        out.append(OPEN);
      }
      out.append(oneLine(tokens.get(t)));
      if (on && !after) {
        out.append(CLOSE);
      }
    }
    return out.toString();
  }

  private static String oneLine(String text) {
    return text.replace("\n", "\\n").replace("\r", "\\r");
  }

  /**
   * The answers to a batch of {@code count} excerpts, in order.
   *
   * @throws ClassificationParseException when the response has no message text, or its text is not
   *     a JSON list of exactly {@code count} values each 0 or 1 (a Markdown code fence around it is
   *     tolerated)
   */
  public List<Answer> parse(int count, JsonNode response) {
    JsonNode choice = response.path("choices").path(0);
    JsonNode content = choice.path("message").path("content");
    if (!content.isTextual()) {
      throw new ClassificationParseException("the response has no message content");
    }
    List<Boolean> answers = answers(content.textValue(), count);
    List<Double> probabilities = AnswerLogprobs.probabilities(choice.path("logprobs"), answers);
    List<Answer> parsed = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      parsed.add(new Answer(answers.get(i), probabilities == null ? null : probabilities.get(i)));
    }
    return List.copyOf(parsed);
  }

  /** The 0/1 list in {@code text}, strictly. */
  static List<Boolean> answers(String text, int count) {
    String body = unfenced(text.strip());
    JsonNode list;
    try {
      list = RequestBodies.JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new ClassificationParseException(
          "the answer is not JSON: " + e.getOriginalMessage() + " in " + quote(text), e);
    }
    if (list == null || !list.isArray()) {
      throw new ClassificationParseException("the answer is not a JSON list: " + quote(text));
    }
    if (list.size() != count) {
      throw new ClassificationParseException(
          "the answer lists " + list.size() + " values for " + count + " excerpts: " + quote(text));
    }
    List<Boolean> answers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      JsonNode value = list.get(i);
      if (!value.isIntegralNumber() || !(value.asLong() == 0 || value.asLong() == 1)) {
        throw new ClassificationParseException(
            "value " + (i + 1) + " of the answer is " + value + ", not 0 or 1: " + quote(text));
      }
      answers.add(value.asLong() == 1);
    }
    return answers;
  }

  /** The text inside a Markdown code fence ({@code ```} or {@code ```json}), or the text itself. */
  static String unfenced(String text) {
    if (!text.startsWith("```") || !text.endsWith("```") || text.length() < 6) {
      return text;
    }
    int firstLine = text.indexOf('\n');
    if (firstLine < 0) {
      return text.substring(3, text.length() - 3).strip();
    }
    return text.substring(firstLine + 1, text.length() - 3).strip();
  }

  private static String quote(String text) {
    String shown = text.length() <= 200 ? text : text.substring(0, 200) + "...";
    return "\"" + shown.replace("\n", "\\n") + "\"";
  }
}
