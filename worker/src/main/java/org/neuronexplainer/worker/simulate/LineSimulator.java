package org.neuronexplainer.worker.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.fewshot.FewShotExample;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.prompt.Prompt;
import org.neuronexplainer.worker.prompt.PromptBuilder;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.RequestBodies;
import org.neuronexplainer.worker.prompt.TokenText;
import org.neuronexplainer.worker.records.Normalization;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * The original's logprob-free line protocol (docs/method.md 4.3): one call per sequence; the prompt
 * lists the sequence's tokens as {@code token<TAB>} lines, each closed by {@link #END_MARKER}, and
 * the model repeats them with the values filled in ({@code token<TAB>value} and the marker). The
 * few-shot examples show every record of each example this way, values normalized to 0..10.
 *
 * <p>The reply is read strictly ({@link LineActivations}): where the original scores a sequence all
 * zeros, a reply that does not repeat every token in order with a value 0..10 is a {@link
 * SimulationParseException}. The predictions are the values; the distribution lists are empty.
 */
public final class LineSimulator implements SimulationProtocol {
  /** What ends each line, as in the original: a character no tokenizer merges with a newline. */
  public static final String END_MARKER = "\u0F17";

  /** Room for a 64-token sequence's lines, as the original asked for. */
  public static final int MAX_TOKENS = 1000;

  private final String model;
  private final PromptFormat format;
  private final PromptTexts texts;
  private final List<FewShotExample> examples;
  private final boolean escapeTokens;

  /**
   * @param texts the fixed texts: the {@code line.*} ones and the neuron lines
   * @param escapeTokens whether tokens and the explanation are escaped (docs/method.md 3.2)
   */
  public LineSimulator(
      String model,
      PromptFormat format,
      PromptTexts texts,
      List<FewShotExample> examples,
      boolean escapeTokens) {
    this.model = model;
    this.format = format;
    this.texts = Objects.requireNonNull(texts, "texts");
    this.examples = List.copyOf(examples);
    this.escapeTokens = escapeTokens;
  }

  /** The project's texts. */
  public LineSimulator(
      String model, PromptFormat format, List<FewShotExample> examples, boolean escapeTokens) {
    this(model, format, PromptTexts.defaults(), examples, escapeTokens);
  }

  /** Chat format, the project's texts, the bundled simulation examples, raw token text. */
  public LineSimulator(String model) {
    this(model, PromptFormat.CHAT, FewShotSet.SIMULATION.examples().examples(), false);
  }

  /**
   * The prompt: per example, its first record under the neuron's explanation and then its other
   * records, each a user message with the blank lines and an assistant message with the filled
   * ones; then the target's blank lines.
   */
  public Prompt prompt(String explanation, List<String> tokens) {
    PromptBuilder builder = new PromptBuilder().system(texts.get(PromptText.LINE_SYSTEM) + "\n");
    for (int i = 0; i < examples.size(); i++) {
      FewShotExample example = examples.get(i);
      double max = Normalization.maxActivation(example.records());
      for (int r = 0; r < example.records().size(); r++) {
        ActivationRecord record = example.records().get(r);
        String neuron =
            r == 0
                ? SimulationPrompts.explanationLines(
                        texts,
                        i + 1,
                        SimulationPrompts.exampleExplanation(example.explanation(), escapeTokens))
                    + "\n\n"
                : "";
        builder.user(neuron + question(r + 1, record.tokens()));
        builder.assistant(lines(record.tokens(), Normalization.normalize(record, max)) + "\n\n");
      }
    }
    builder.user(
        SimulationPrompts.explanationLines(
                texts,
                examples.size() + 1,
                SimulationPrompts.exampleExplanation(explanation, escapeTokens))
            + "\n\n"
            + question(1, tokens));
    return builder.build(format);
  }

  @Override
  public List<LlmRequest> requests(String explanation, List<String> tokens) {
    ObjectNode parameters =
        RequestBodies.parameters().put("max_tokens", MAX_TOKENS).put("temperature", 0);
    if (!format.isChat()) {
      parameters.put("echo", false);
    }
    return List.of(RequestBodies.forPrompt(model, prompt(explanation, tokens), parameters));
  }

  @Override
  public SequenceSimulation parse(
      String explanation, List<String> tokens, List<JsonNode> responses) {
    if (responses.size() != 1) {
      throw new IllegalArgumentException("one response expected, got " + responses.size());
    }
    JsonNode choice = responses.get(0).path("choices").path(0);
    JsonNode reply = format.isChat() ? choice.path("message").path("content") : choice.path("text");
    if (!reply.isTextual()) {
      throw new SimulationParseException(
          format.isChat() ? "the response has no message content" : "the response has no text");
    }
    List<String> shown = tokens.stream().map(t -> TokenText.token(t, escapeTokens)).toList();
    double[] expected = LineActivations.read(reply.textValue(), shown);
    return SimulationPrompts.simulation(tokens, expected, List.of(), List.of());
  }

  /**
   * The blank lines of sequence {@code number} under its header, then the header for the answer.
   */
  private String question(int number, List<String> tokens) {
    Map<String, Integer> sequence = Map.of("sequence", number);
    return texts.format(PromptText.LINE_TOKENS_HEADING, sequence)
        + "\n"
        + lines(tokens, null)
        + "\n\n"
        + texts.format(PromptText.LINE_VALUES_HEADING, sequence)
        + "\n";
  }

  /** One {@code token<TAB>value} line per token, each closed by the marker; values null: blank. */
  private String lines(List<String> tokens, int[] values) {
    StringBuilder out = new StringBuilder();
    for (int t = 0; t < tokens.size(); t++) {
      out.append(TokenText.token(tokens.get(t), escapeTokens)).append('\t');
      if (values != null) {
        out.append(values[t]);
      }
      out.append(END_MARKER).append('\n');
    }
    return out.toString();
  }
}
