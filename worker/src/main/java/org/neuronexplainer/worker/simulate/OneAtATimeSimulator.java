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
import org.neuronexplainer.worker.prompt.RequestBodies;
import org.neuronexplainer.worker.prompt.TokenText;
import org.neuronexplainer.worker.records.Normalization;

/**
 * One request per token (docs/method.md 4.2), adapted to chat endpoints: the model sees the text up
 * to and including the token and answers with one number; {@code max_tokens} 1 with {@code
 * top_logprobs} gives the distribution of that first generated token. Works on hosted chat models
 * that do not echo prompt logprobs; string formats go to completions with {@code logprobs}.
 *
 * <p>The worked single-token example shows its own explanation (the original showed the target's,
 * which pairs an unrelated text with the explanation being tested). Document text is escaped token
 * by token as in records, so a document cannot fake the prompt's section headers.
 */
public final class OneAtATimeSimulator implements SimulationProtocol {
  /** The most top logprobs OpenAI's chat API returns per position. */
  public static final int CHAT_TOP_LOGPROBS = 20;

  /** Top logprobs on completions endpoints, as the original (docs/method.md 4.2). */
  public static final int COMPLETIONS_LOGPROBS = 15;

  static final String SINGLE_TOKEN_SYSTEM =
      "Now predict the activation of a single token of a new neuron, given the text up to and"
          + " including that token. Answer with one whole number from 0 to 10 and nothing else.";

  private final String model;
  private final PromptFormat format;
  private final FewShotExamples examples;

  public OneAtATimeSimulator(String model, PromptFormat format, FewShotExamples examples) {
    if (examples.singleTokenExample() == null) {
      throw new IllegalArgumentException(
          "the one-at-a-time simulator needs a single-token example");
    }
    this.model = model;
    this.format = format;
    this.examples = examples;
  }

  /** Chat format with the bundled simulation examples. */
  public OneAtATimeSimulator(String model) {
    this(model, PromptFormat.CHAT, FewShotSet.SIMULATION.examples());
  }

  /** The prompt that asks for token {@code index} of {@code tokens}. */
  public Prompt prompt(String explanation, List<String> tokens, int index) {
    List<FewShotExample> shown = examples.examples();
    PromptBuilder builder = new PromptBuilder().system(SimulationPrompts.SYSTEM);
    SimulationPrompts.addExamples(builder, shown, false);
    builder.system(SINGLE_TOKEN_SYSTEM);
    FewShotExample worked = examples.singleTokenExample();
    ActivationRecord record = worked.records().get(0);
    int scored = worked.tokenIndexToScore();
    int value =
        Normalization.normalize(record, Normalization.maxActivation(List.of(record)))[scored];
    builder.user(question(shown.size() + 1, worked.explanation(), record.tokens(), scored));
    builder.assistant(Integer.toString(value));
    builder.user(question(shown.size() + 2, explanation, tokens, index));
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

  private static String question(int number, String explanation, List<String> tokens, int index) {
    String text =
        tokens.subList(0, index + 1).stream().map(TokenText::token).collect(Collectors.joining());
    return SimulationPrompts.explanationMessage(number, explanation)
        + "\nText:\n"
        + text
        + "\n\nLast token in the text:\n"
        + TokenText.token(tokens.get(index))
        + "\n\nActivation of the last token, in the context of the text:\n";
  }
}
