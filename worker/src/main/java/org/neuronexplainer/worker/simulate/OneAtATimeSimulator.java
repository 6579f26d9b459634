package org.neuronexplainer.worker.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.neuronexplainer.worker.records.Normalization;

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

  /** The first system message's text; the prompt adds a blank line after it. */
  static final String SYSTEM =
      "You are studying one neuron inside a language model. A neuron responds to some particular"
          + " pattern in short pieces of text. Read the explanation of what a neuron responds to,"
          + " then predict how strongly it responds to one token of a document.\n\n"
          + "Each line has the form token<tab>activation. Activations are whole numbers from 0"
          + " to 10, where 0 means no response and 10 the strongest; most activations are 0.";

  /** The second system message, which switches to the single-token task. */
  static final String SINGLE_TOKEN_SYSTEM =
      "Now predict the activation of a single token of a new neuron, given the text up to and"
          + " including that token. Answer with one whole number from 0 to 10 and nothing else.";

  /** The label before the text up to the token. */
  static final String TEXT_LABEL = "Text:";

  /** The label before the token itself. */
  static final String LAST_TOKEN_LABEL = "Last token in the text:";

  /** The line that asks for the token's activation. */
  static final String QUESTION = "Activation of the last token, in the context of the text:";

  private final String model;
  private final PromptFormat format;
  private final FewShotExamples examples;
  private final boolean escapeTokens;

  /**
   * @param escapeTokens whether tokens and the explanation are escaped (docs/method.md 3.2)
   */
  public OneAtATimeSimulator(
      String model, PromptFormat format, FewShotExamples examples, boolean escapeTokens) {
    if (examples.singleTokenExample() == null) {
      throw new IllegalArgumentException(
          "the one-at-a-time simulator needs a single-token example");
    }
    this.model = model;
    this.format = format;
    this.examples = examples;
    this.escapeTokens = escapeTokens;
  }

  /** Raw token text. */
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
    PromptBuilder builder = new PromptBuilder().system(SYSTEM + "\n\n");
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
                  i + 1, SimulationPrompts.exampleExplanation(example.explanation(), escapeTokens))
              + "\n");
      builder.assistant(SimulationPrompts.ACTIVATIONS_LABEL + " " + block + "\n\n");
    }
    builder.system(SINGLE_TOKEN_SYSTEM);
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
            .map(token -> SimulationPrompts.token(token, escapeTokens))
            .collect(Collectors.joining());
    return "\n"
        + SimulationPrompts.explanationLines(number, explanation)
        + "\n"
        + TEXT_LABEL
        + "\n"
        + text
        + "\n\n"
        + LAST_TOKEN_LABEL
        + "\n"
        + SimulationPrompts.token(tokens.get(index), escapeTokens)
        + "\n\n"
        + QUESTION
        + "\n";
  }
}
