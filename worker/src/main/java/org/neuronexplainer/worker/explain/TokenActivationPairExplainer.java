package org.neuronexplainer.worker.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.worker.fewshot.FewShotExample;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.prompt.Prompt;
import org.neuronexplainer.worker.prompt.PromptBuilder;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.RecordRenderer;
import org.neuronexplainer.worker.prompt.RequestBodies;
import org.neuronexplainer.worker.prompt.TokenCounter;
import org.neuronexplainer.worker.prompt.TokenText;
import org.neuronexplainer.worker.records.Normalization;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * The paper's explainer (docs/method.md 3.4): few-shot neurons with their records and explanations,
 * then the target's train-split top records, and the model completes the sentence that starts with
 * the explanation prefix. Every fixed text comes from the settings' {@link PromptTexts}; the code
 * writes the layout around them.
 *
 * <p>One explanation per choice, never a numbered list: the original's numbered-list mode dropped
 * the records from the prompt, so it is not offered.
 */
public final class TokenActivationPairExplainer implements LlmExplainer {
  /**
   * Below this share of non-zero tokens, records are repeated without zeros (docs/method.md 3.4).
   */
  static final double REPEAT_BELOW_NON_ZERO_PROPORTION = 0.2;

  /**
   * In a 2K context, the target keeps this many records and each example one (docs/method.md 3.4).
   */
  static final int TWO_K_TARGET_RECORDS = 2;

  private final ExplainerSettings settings;
  private final List<FewShotExample> examples;
  private final TokenCounter counter;

  public TokenActivationPairExplainer(
      ExplainerSettings settings, List<FewShotExample> examples, TokenCounter counter) {
    this.settings = settings;
    this.examples = List.copyOf(examples);
    this.counter = counter;
  }

  /**
   * The settings' few-shot set (the bundled explanation examples unless another was chosen),
   * counting tokens with the model's encoding.
   */
  public TokenActivationPairExplainer(ExplainerSettings settings) {
    this(settings, TokenCounter.forModel(settings.model()));
  }

  /** The settings' few-shot set, counting tokens with {@code counter}. */
  public TokenActivationPairExplainer(ExplainerSettings settings, TokenCounter counter) {
    this(
        settings, settings.prompts().explainerExamples(FewShotSet.EXPLANATION).examples(), counter);
  }

  @Override
  public ExplainRequest request(ExplainerInput input) {
    return request(input.trainRecords());
  }

  /** The request for a neuron whose train records are {@code records}. */
  public ExplainRequest request(List<ActivationRecord> records) {
    Prompt prompt = prompt(records);
    ObjectNode parameters =
        RequestBodies.parameters()
            .put("max_tokens", settings.maxTokens())
            .put("temperature", settings.temperature())
            .put("top_p", settings.topP())
            .put("n", settings.samples());
    return new ExplainRequest(
        RequestBodies.forPrompt(settings.model(), prompt, parameters),
        prompt,
        counter.count(prompt));
  }

  /** The prompt, trimmed to the context size (docs/method.md 3.4, item 5). */
  public Prompt prompt(List<ActivationRecord> records) {
    if (records.isEmpty()) {
      throw new IllegalArgumentException("the explainer needs at least one train record");
    }
    List<List<ActivationRecord>> shown = new ArrayList<>();
    examples.forEach(example -> shown.add(new ArrayList<>(example.records())));
    List<ActivationRecord> target = records;
    if (settings.contextSize() == ContextSize.TWO_K) {
      shown.replaceAll(list -> new ArrayList<>(list.subList(0, 1)));
      target = records.subList(0, Math.min(TWO_K_TARGET_RECORDS, records.size()));
    }
    Prompt prompt = build(shown, target);
    int budget = settings.contextSize().tokens() - settings.maxTokens();
    // Drop the last record of the first example that still has several, until it fits; if
    // nothing is left to drop the prompt goes as is and the server decides, as in the original.
    while (counter.count(prompt) > budget && dropOneRecord(shown)) {
      prompt = build(shown, target);
    }
    return prompt;
  }

  /**
   * Each choice's text as the model wrote it, as in the original (docs/method.md 3.4); a choice
   * with no text or only whitespace is not an explanation.
   */
  @Override
  public List<Explanation> parse(JsonNode response) {
    List<Explanation> explanations = new ArrayList<>();
    for (String raw : CompletionTexts.of(response)) {
      if (raw != null && !raw.isBlank()) {
        explanations.add(Explanation.of(raw));
      }
    }
    if (explanations.isEmpty()) {
      throw new ExplanationParseException("no choice holds an explanation: " + response);
    }
    return explanations;
  }

  private Prompt build(List<List<ActivationRecord>> shown, List<ActivationRecord> target) {
    PromptBuilder builder = new PromptBuilder().system(texts().get(PromptText.EXPLAINER_SYSTEM));
    for (int i = 0; i < shown.size(); i++) {
      addSection(builder, i + 1, shown.get(i), examples.get(i).explanation());
    }
    addSection(builder, shown.size() + 1, target, null);
    return builder.build(settings.format());
  }

  /**
   * One neuron's user message and, for examples, its assistant answer, in the original's layout: a
   * blank line before each header line after a block (docs/method.md 3.4).
   */
  private void addSection(
      PromptBuilder builder, int number, List<ActivationRecord> records, String explanation) {
    boolean escape = settings.escapeTokens();
    PromptTexts texts = texts();
    Map<String, Integer> neuron = Map.of("neuron", number);
    String prefix = texts.get(PromptText.EXPLANATION_PREFIX);
    double max = Normalization.maxActivation(records);
    StringBuilder user =
        new StringBuilder("\n\n").append(texts.format(PromptText.NEURON_HEADING, neuron));
    user.append('\n').append(texts.get(PromptText.ACTIVATIONS_HEADING));
    user.append(RecordRenderer.render(records, max, escape));
    if (Normalization.nonZeroProportion(records, max) < REPEAT_BELOW_NON_ZERO_PROPORTION) {
      user.append('\n').append(texts.get(PromptText.EXPLAINER_WITHOUT_ZEROS_HEADING));
      user.append(RecordRenderer.renderWithoutZeros(records, max, escape));
    }
    user.append('\n').append(texts.format(PromptText.EXPLANATION_HEADING, neuron));
    // In instruction-following format the end-of-prompt marker comes before the prefix, so the
    // prefix opens the answer.
    String answer = "";
    if (settings.format() == PromptFormat.INSTRUCTION_FOLLOWING) {
      answer = " " + prefix;
    } else {
      user.append(' ').append(prefix);
    }
    builder.user(user.toString());
    if (explanation != null) {
      answer += " " + (escape ? TokenText.explanation(explanation) : explanation) + ".";
    }
    if (!answer.isEmpty()) {
      builder.assistant(answer);
    }
  }

  private PromptTexts texts() {
    return settings.prompts().texts();
  }

  private static boolean dropOneRecord(List<List<ActivationRecord>> shown) {
    for (List<ActivationRecord> records : shown) {
      if (records.size() > 1) {
        records.remove(records.size() - 1);
        return true;
      }
    }
    return false;
  }
}
