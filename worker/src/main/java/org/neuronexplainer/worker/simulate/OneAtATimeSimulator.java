package org.neuronexplainer.worker.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.fewshot.FewShotExample;
import org.neuronexplainer.worker.fewshot.FewShotExamples;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.prompt.Prompt;
import org.neuronexplainer.worker.prompt.PromptBuilder;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.RecordRenderer;
import org.neuronexplainer.worker.prompt.RequestBodies;
import org.neuronexplainer.worker.prompt.TokenText;
import org.neuronexplainer.worker.records.Normalization;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * One request per token (docs/method.md 4.2): the model sees the text up to and including the token
 * and answers with one number; {@code max_tokens} 1 with top logprobs gives the distribution of
 * that first generated token. Chat format goes to a chat endpoint with {@code top_logprobs}, so it
 * works on hosted chat models that do not echo prompt logprobs; string formats go to completions
 * with {@code logprobs}.
 *
 * <p>The layout is the original's, the worked single-token example included: it shows the
 * explanation under test beside the example's text, as the original does.
 */
public final class OneAtATimeSimulator implements SimulationProtocol {
  /** The most top logprobs OpenAI's chat API returns per position. */
  public static final int CHAT_TOP_LOGPROBS = 20;

  /** Top logprobs on completions endpoints, as the original (docs/method.md 4.2). */
  public static final int COMPLETIONS_LOGPROBS = 15;

  private final String model;
  private final PromptFormat format;
  private final PromptTexts texts;
  private final FewShotExamples examples;
  private final boolean escapeTokens;

  /**
   * @param texts the fixed texts: the {@code one-at-a-time.*} ones and the neuron lines
   * @param escapeTokens whether tokens and the explanation are escaped (docs/method.md 3.2)
   */
  public OneAtATimeSimulator(
      String model,
      PromptFormat format,
      PromptTexts texts,
      FewShotExamples examples,
      boolean escapeTokens) {
    if (examples.singleTokenExample() == null) {
      throw new IllegalArgumentException(
          "the one-at-a-time simulator needs a single-token example");
    }
    this.model = model;
    this.format = format;
    this.texts = Objects.requireNonNull(texts, "texts");
    this.examples = examples;
    this.escapeTokens = escapeTokens;
  }

  /** The project's texts. */
  public OneAtATimeSimulator(
      String model, PromptFormat format, FewShotExamples examples, boolean escapeTokens) {
    this(model, format, PromptTexts.defaults(), examples, escapeTokens);
  }

  /** The project's texts, raw token text. */
  public OneAtATimeSimulator(String model, PromptFormat format, FewShotExamples examples) {
    this(model, format, examples, false);
  }

  /** Chat format with the bundled simulation examples. */
  public OneAtATimeSimulator(String model) {
    this(model, PromptFormat.CHAT, FewShotSet.SIMULATION.examples());
  }

  /**
   * The prompt that asks for token {@code index} of {@code tokens}: the examples with every value
   * shown, the switch to the single-token task, the worked example with its answer, then the
   * question about the target token.
   */
  public Prompt prompt(String explanation, List<String> tokens, int index) {
    List<FewShotExample> shown = examples.examples();
    PromptBuilder builder =
        new PromptBuilder().system(texts.get(PromptText.ONE_AT_A_TIME_SYSTEM) + "\n\n");
    for (int i = 0; i < shown.size(); i++) {
      FewShotExample example = shown.get(i);
      String block =
          RecordRenderer.render(
              example.records(),
              Normalization.maxActivation(example.records()),
              null,
              false,
              false,
              escapeTokens);
      builder.user(
          SimulationPrompts.explanationLines(
                  texts,
                  i + 1,
                  SimulationPrompts.exampleExplanation(example.explanation(), escapeTokens))
              + "\n");
      builder.assistant(SimulationPrompts.activationsLabel(texts) + " " + block + "\n\n");
    }
    builder.system(texts.get(PromptText.ONE_AT_A_TIME_SINGLE_TOKEN_SYSTEM));
    String shownExplanation = SimulationPrompts.explanation(explanation, escapeTokens);
    FewShotExample worked = examples.singleTokenExample();
    ActivationRecord record = worked.records().get(0);
    int scored = worked.tokenIndexToScore();
    int value =
        Normalization.normalize(record, Normalization.maxActivation(List.of(record)))[scored];
    builder.user(question(shown.size() + 1, shownExplanation, record.tokens(), scored));
    builder.assistant(value + "\n\n");
    builder.user(question(shown.size() + 2, shownExplanation, tokens, index));
    return builder.build(format, true);
  }

  @Override
  public List<LlmRequest> requests(String explanation, List<String> tokens) {
    ObjectNode parameters = RequestBodies.parameters().put("max_tokens", 1);
    if (format.isChat()) {
      parameters.put("logprobs", true).put("top_logprobs", CHAT_TOP_LOGPROBS);
    } else {
      parameters.put("logprobs", COMPLETIONS_LOGPROBS);
    }
    List<LlmRequest> requests = new ArrayList<>(tokens.size());
    for (int t = 0; t < tokens.size(); t++) {
      requests.add(RequestBodies.forPrompt(model, prompt(explanation, tokens, t), parameters));
    }
    return requests;
  }

  @Override
  public SequenceSimulation parse(
      String explanation, List<String> tokens, List<JsonNode> responses) {
    if (responses.size() != tokens.size()) {
      throw new IllegalArgumentException(
          tokens.size() + " tokens but " + responses.size() + " responses");
    }
    double[] expected = new double[tokens.size()];
    List<double[]> values = new ArrayList<>();
    List<double[]> probabilities = new ArrayList<>();
    int empty = 0;
    for (int t = 0; t < tokens.size(); t++) {
      DigitDistribution distribution =
          DigitDistribution.at("the response for token " + t, candidates(responses.get(t), t));
      empty += distribution.isEmpty() ? 1 : 0;
      expected[t] = distribution.expectedValue();
      values.add(distribution.values());
      probabilities.add(distribution.probabilities());
    }
    if (!tokens.isEmpty() && empty == tokens.size()) {
      throw new SimulationParseException(
          "no response has any of \"0\"..\"10\" among its top logprobs: the model did not predict");
    }
    return SimulationPrompts.simulation(tokens, expected, values, probabilities);
  }

  /** The first generated token's alternatives: chat's list or completions' map. */
  static List<DigitDistribution.Candidate> candidates(JsonNode response, int token) {
    JsonNode logprobs = response.path("choices").path(0).path("logprobs");
    List<DigitDistribution.Candidate> candidates = new ArrayList<>();
    JsonNode chat = logprobs.path("content").path(0).path("top_logprobs");
    JsonNode completions = logprobs.path("top_logprobs").path(0);
    if (chat.isArray()) {
      for (JsonNode entry : chat) {
        candidates.add(
            new DigitDistribution.Candidate(
                entry.path("token").asText(null), entry.path("logprob").asDouble(Double.NaN)));
      }
    } else if (completions.isObject()) {
      for (Map.Entry<String, JsonNode> entry : completions.properties()) {
        candidates.add(
            new DigitDistribution.Candidate(entry.getKey(), entry.getValue().asDouble(Double.NaN)));
      }
    } else {
      throw new SimulationParseException(
          "the response for token " + token + " has no top logprobs of its first token");
    }
    return candidates;
  }

  private String question(int number, String explanation, List<String> tokens, int index) {
    String text =
        tokens.subList(0, index + 1).stream()
            .map(token -> TokenText.token(token, escapeTokens))
            .collect(Collectors.joining());
    return "\n"
        + SimulationPrompts.explanationLines(texts, number, explanation)
        + "\n"
        + texts.get(PromptText.ONE_AT_A_TIME_TEXT_HEADING)
        + "\n"
        + text
        + "\n\n"
        + texts.get(PromptText.ONE_AT_A_TIME_LAST_TOKEN_HEADING)
        + "\n"
        + TokenText.token(tokens.get(index), escapeTokens)
        + "\n\n"
        + texts.get(PromptText.ONE_AT_A_TIME_QUESTION)
        + "\n";
  }
}
