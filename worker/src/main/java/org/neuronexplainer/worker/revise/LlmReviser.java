package org.neuronexplainer.worker.revise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.worker.explain.CompletionTexts;
import org.neuronexplainer.worker.explain.ExplainerSettings;
import org.neuronexplainer.worker.explain.Explanation;
import org.neuronexplainer.worker.explain.ExplanationParseException;
import org.neuronexplainer.worker.explain.LlmExplainer;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.llm.ParseRetries;
import org.neuronexplainer.worker.prompt.Prompt;
import org.neuronexplainer.worker.prompt.PromptBuilder;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.RecordRenderer;
import org.neuronexplainer.worker.prompt.RequestBodies;
import org.neuronexplainer.worker.records.Normalization;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * A {@link Reviser} that asks the explainer's model (docs/method.md 16.2): one chat call with the
 * explainer's model, sampling settings (one sample) and prompt texts. Every fixed text is a {@code
 * revision.*} text of the settings' {@link PromptTexts}; the code writes the layout around them.
 *
 * <p>The user message: the neuron heading (neuron 1) and the activations heading with the train
 * split's top records as the explainer shows them; a blank line and the current explanation after
 * its heading and a space; a blank line, the missed-excerpts heading and one line per excerpt; a
 * blank line, the false-alarms heading and one line per excerpt; a blank line and the request,
 * followed by a space and the explanation prefix, which the answer continues. An excerpt's line is
 * its number in its list, a period, a space and its tokens joined, line breaks written as {@code
 * \n} and {@code \r}, each run of marked tokens enclosed in {@value #OPEN} and {@value #CLOSE}; an
 * empty list is the one line {@code revision.none}.
 *
 * <p>The answer is read as the explainer's completion is (the first choice with text, kept as
 * written); an answer without one is asked for again ({@link ParseRetries}) up to {@link
 * LlmExplainer#MAX_ATTEMPTS} times, and then the revision fails with the reason.
 */
public final class LlmReviser implements Reviser {
  /** The mark before a run of marked tokens. */
  public static final String OPEN = "<<";

  /** The mark after a run of marked tokens. */
  public static final String CLOSE = ">>";

  private final ExplainerSettings settings;

  public LlmReviser(ExplainerSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public CompletionStage<Explanation> revise(Revision input, LlmTransport llm) {
    return ParseRetries.send(
        llm,
        List.of(request(input)),
        responses -> parse(responses.get(0)),
        ExplanationParseException.class,
        LlmExplainer.MAX_ATTEMPTS,
        (attempts, last) ->
            new ExplanationParseException(
                "no revised explanation in the response after " + attempts + " attempts", last));
  }

  /** The one chat request that asks for the revision of {@code input}. */
  public LlmRequest request(Revision input) {
    ObjectNode parameters =
        RequestBodies.parameters()
            .put("max_tokens", settings.maxTokens())
            .put("temperature", settings.temperature())
            .put("top_p", settings.topP())
            .put("n", 1);
    return RequestBodies.forPrompt(settings.model(), prompt(input), parameters);
  }

  /** The prompt: the system text and one user message. */
  public Prompt prompt(Revision input) {
    List<ActivationRecord> records = input.input().trainRecords();
    if (records.isEmpty()) {
      throw new IllegalArgumentException("the reviser needs at least one train record");
    }
    PromptTexts texts = settings.prompts().texts();
    double max = Normalization.maxActivation(records);
    StringBuilder user = new StringBuilder();
    user.append(texts.format(PromptText.NEURON_HEADING, Map.of("neuron", 1)))
        .append('\n')
        .append(texts.get(PromptText.ACTIVATIONS_HEADING))
        .append(RecordRenderer.render(records, max, settings.escapeTokens()))
        .append("\n\n")
        .append(texts.get(PromptText.REVISION_CURRENT_HEADING))
        .append(' ')
        .append(oneLine(input.explanation().strip()))
        .append("\n\n");
    excerpts(user, texts, PromptText.REVISION_MISSED_HEADING, input.missed());
    excerpts(user, texts, PromptText.REVISION_FALSE_ALARMS_HEADING, input.falseAlarms());
    user.append(texts.get(PromptText.REVISION_REQUEST))
        .append(' ')
        .append(texts.get(PromptText.EXPLANATION_PREFIX));
    return new PromptBuilder()
        .system(texts.get(PromptText.REVISION_SYSTEM))
        .user(user.toString())
        .build(PromptFormat.CHAT);
  }

  /** The revised explanation in a response: its first choice with text, as written. */
  public Explanation parse(JsonNode response) {
    for (String raw : CompletionTexts.of(response)) {
      if (raw != null && !raw.isBlank()) {
        return Explanation.of(raw);
      }
    }
    throw new ExplanationParseException("no choice holds a revised explanation: " + response);
  }

  private static void excerpts(
      StringBuilder user, PromptTexts texts, PromptText heading, List<Disagreement> excerpts) {
    user.append(texts.get(heading)).append('\n');
    if (excerpts.isEmpty()) {
      user.append(texts.get(PromptText.REVISION_NONE)).append('\n');
    }
    for (int i = 0; i < excerpts.size(); i++) {
      user.append(i + 1).append(". ").append(render(excerpts.get(i))).append('\n');
    }
    user.append('\n');
  }

  /** An excerpt on one line, each run of marked tokens enclosed in the marks. */
  static String render(Disagreement excerpt) {
    StringBuilder out = new StringBuilder();
    List<String> tokens = excerpt.tokens();
    List<Integer> marked = excerpt.marked();
    for (int t = 0; t < tokens.size(); t++) {
      boolean on = marked.contains(t);
      if (on && !marked.contains(t - 1)) {
        out.append(OPEN);
      }
      out.append(oneLine(tokens.get(t)));
      if (on && !marked.contains(t + 1)) {
        out.append(CLOSE);
      }
    }
    return out.toString();
  }

  private static String oneLine(String text) {
    return text.replace("\n", "\\n").replace("\r", "\\r");
  }
}
