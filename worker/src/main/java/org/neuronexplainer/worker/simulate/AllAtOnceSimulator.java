package org.neuronexplainer.worker.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.fewshot.FewShotExample;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.prompt.Prompt;
import org.neuronexplainer.worker.prompt.PromptBuilder;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.RecordRenderer;
import org.neuronexplainer.worker.prompt.RequestBodies;
import org.neuronexplainer.worker.prompt.TokenText;

/**
 * The paper's simulator (docs/method.md 4.1): one completions call per sequence that echoes the
 * prompt with {@code max_tokens} 0 and top-k logprobs, so the model's distribution at every {@code
 * unknown} slot of the target block is read off without generating anything.
 *
 * <p>Alignment: the prompt is rebuilt from the explanation and tokens, and each slot's byte offset
 * in it is known (the {@code unknown} after token k's tab in the block that starts at the last
 * {@code <start>}; tokens are escaped, so no token can move that marker). The echoed tokens must
 * contain the prompt; the slot is the response token that starts exactly at the slot's offset, and
 * its top logprobs are the prediction. So tokens the simulator's tokenizer splits (" Can" + "ada"),
 * merges (a tab glued to the token before it) or returns as {@code bytes:} pieces align without a
 * special case. A response that does not echo the prompt, or whose tokenizer has no token boundary
 * at a slot, fails with {@link SimulationParseException}: it is never recorded as zeros. Missing
 * digits follow {@link DigitDistribution#isEmpty}.
 */
public final class AllAtOnceSimulator implements SimulationProtocol {
  /** Top logprobs per position, as the original asked for (docs/method.md 4.1). */
  public static final int DEFAULT_LOGPROBS = 15;

  private final String model;
  private final PromptFormat format;
  private final List<FewShotExample> examples;
  private final int logprobs;
  private final int maxTokens;

  /**
   * @param logprobs top logprobs per position; OpenAI's legacy API allowed at most 5 without
   *     special access, vLLM defaults to at most 20
   * @param maxTokens 0 as in the original; 1 for servers that reject 0 (vLLM): the generated token
   *     comes after the echoed prompt and is ignored
   */
  public AllAtOnceSimulator(
      String model,
      PromptFormat format,
      List<FewShotExample> examples,
      int logprobs,
      int maxTokens) {
    if (format.isChat()) {
      // Chat endpoints do not echo prompt logprobs (docs/method.md 4.1, 13 item 11).
      throw new IllegalArgumentException(
          "the all-at-once simulator needs a string prompt for a completions endpoint");
    }
    this.model = model;
    this.format = format;
    this.examples = List.copyOf(examples);
    if (logprobs < 1 || maxTokens < 0) {
      throw new IllegalArgumentException("logprobs must be at least 1 and max tokens not negative");
    }
    this.logprobs = logprobs;
    this.maxTokens = maxTokens;
  }

  /** Nothing generated: {@code max_tokens} 0. */
  public AllAtOnceSimulator(
      String model, PromptFormat format, List<FewShotExample> examples, int logprobs) {
    this(model, format, examples, logprobs, 0);
  }

  /** Instruction-following format, the bundled explanation examples, top-15 logprobs. */
  public AllAtOnceSimulator(String model) {
    this(
        model,
        PromptFormat.INSTRUCTION_FOLLOWING,
        FewShotSet.EXPLANATION.examples().examples(),
        DEFAULT_LOGPROBS);
  }

  /** The prompt: examples with values revealed from their indices, then the hidden target. */
  public Prompt prompt(String explanation, List<String> tokens) {
    PromptBuilder builder = new PromptBuilder().system(SimulationPrompts.SYSTEM);
    SimulationPrompts.addExamples(builder, examples, true);
    builder.user(SimulationPrompts.explanationMessage(examples.size() + 1, explanation));
    builder.assistant(
        SimulationPrompts.activationsMessage(RecordRenderer.renderHidden(List.of(tokens))));
    return builder.build(format);
  }

  @Override
  public List<LlmRequest> requests(String explanation, List<String> tokens) {
    return List.of(
        RequestBodies.forPrompt(
            model,
            prompt(explanation, tokens),
            RequestBodies.parameters()
                .put("max_tokens", maxTokens)
                .put("echo", true)
                .put("logprobs", logprobs)));
  }

  @Override
  public SequenceSimulation parse(
      String explanation, List<String> tokens, List<JsonNode> responses) {
    if (responses.size() != 1) {
      throw new IllegalArgumentException("one response expected, got " + responses.size());
    }
    String text = prompt(explanation, tokens).text();
    int[] slots = slotByteOffsets(text, tokens);
    JsonNode logprobs = responses.get(0).path("choices").path(0).path("logprobs");
    JsonNode echoed = logprobs.path("tokens");
    JsonNode top = logprobs.path("top_logprobs");
    if (!echoed.isArray() || !top.isArray() || echoed.size() != top.size()) {
      throw new SimulationParseException(
          "the response has no echoed tokens with top logprobs (does the server echo prompt"
              + " logprobs?)");
    }
    List<String> pieces = new ArrayList<>();
    echoed.forEach(token -> pieces.add(token.asText()));
    EchoedTokens layout = new EchoedTokens(pieces);
    int base = layout.indexOf(text);
    if (base < 0) {
      throw new SimulationParseException(
          "the echoed tokens do not contain the prompt that was sent");
    }
    return fromSlots(tokens, slots, base, layout, top);
  }

  private static SequenceSimulation fromSlots(
      List<String> tokens, int[] slots, int base, EchoedTokens layout, JsonNode top) {
    double[] expected = new double[tokens.size()];
    List<double[]> values = new ArrayList<>();
    List<double[]> probabilities = new ArrayList<>();
    int empty = 0;
    for (int k = 0; k < tokens.size(); k++) {
      int index = layout.tokenStartingAt(base + slots[k]);
      if (index < 0) {
        throw new SimulationParseException(
            "no echoed token starts at the activation slot of token "
                + k
                + " ("
                + TokenText.token(tokens.get(k))
                + "): the simulator's tokenizer merged the slot with its neighbours");
      }
      JsonNode candidates = top.get(index);
      if (candidates == null || !candidates.isObject()) {
        throw new SimulationParseException("no top logprobs at the slot of token " + k);
      }
      List<DigitDistribution.Candidate> list = new ArrayList<>();
      for (Map.Entry<String, JsonNode> entry : candidates.properties()) {
        // A missing or non-numeric logprob reads as NaN, which fails if the token is a digit.
        list.add(
            new DigitDistribution.Candidate(entry.getKey(), entry.getValue().asDouble(Double.NaN)));
      }
      DigitDistribution distribution = DigitDistribution.at("the slot of token " + k, list);
      empty += distribution.isEmpty() ? 1 : 0;
      expected[k] = distribution.expectedValue();
      values.add(distribution.values());
      probabilities.add(distribution.probabilities());
    }
    if (!tokens.isEmpty() && empty == tokens.size()) {
      throw new SimulationParseException(
          "no slot has any of \"0\"..\"10\" among its top logprobs: the model did not predict");
    }
    return SimulationPrompts.simulation(tokens, expected, values, probabilities);
  }

  /**
   * The UTF-8 byte offset in {@code text} of each token's {@code unknown}: the target block starts
   * at the last {@code <start>} and has one {@code token<TAB>unknown} line per token.
   */
  static int[] slotByteOffsets(String text, List<String> tokens) {
    int at = text.lastIndexOf(RecordRenderer.START) + RecordRenderer.START.length() + 1;
    int[] slots = new int[tokens.size()];
    for (int k = 0; k < tokens.size(); k++) {
      String line = TokenText.token(tokens.get(k)) + "\t";
      if (!text.startsWith(line + RecordRenderer.UNKNOWN, at)) {
        throw new IllegalStateException("the target block does not hold token " + k);
      }
      int slot = at + line.length();
      slots[k] = text.substring(0, slot).getBytes(StandardCharsets.UTF_8).length;
      at = slot + RecordRenderer.UNKNOWN.length() + 1;
    }
    return slots;
  }
}
