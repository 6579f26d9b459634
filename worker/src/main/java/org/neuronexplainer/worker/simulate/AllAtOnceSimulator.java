package org.neuronexplainer.worker.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.fewshot.FewShotExample;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.prompt.Message;
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
 * The paper's simulator (docs/method.md 4.1): one call per sequence that echoes the prompt with
 * {@code max_tokens} 0 and top-k logprobs, so the model's distribution at every {@code unknown}
 * slot of the target block is read off without generating anything. In a string format the prompt
 * goes to a completions endpoint; in chat format the message list goes to a chat endpoint with the
 * same parameters, as the original sent it, and only a server that echoes the prompt's logprobs
 * there can answer it.
 *
 * <p>Alignment: the target block is the last message, built here, so each slot's byte offset in it
 * is known from the tokens alone, whatever they contain. The echoed tokens must contain the prompt
 * (string formats) or the last message (chat); the slot is the response token that starts exactly
 * at the slot's offset, and its top logprobs are the prediction. So tokens the simulator's
 * tokenizer splits (" Can" + "ada"), merges (a tab glued to the token before it) or returns as
 * {@code bytes:} pieces align without a special case. A response that does not echo the prompt, or
 * whose tokenizer has no token boundary at a slot, fails with {@link SimulationParseException}: it
 * is never recorded as zeros. Missing digits follow {@link DigitDistribution#isEmpty}.
 */
public final class AllAtOnceSimulator implements SimulationProtocol {
  /** Top logprobs per position, as the original asked for (docs/method.md 4.1). */
  public static final int DEFAULT_LOGPROBS = 15;

  private final String model;
  private final PromptFormat format;
  private final PromptTexts texts;
  private final List<FewShotExample> examples;
  private final int logprobs;
  private final int maxTokens;
  private final boolean escapeTokens;

  /**
   * @param texts the fixed texts: {@code all-at-once.system} and the neuron lines
   * @param logprobs top logprobs per position; OpenAI's legacy API allowed at most 5 without
   *     special access, vLLM defaults to at most 20
   * @param maxTokens 0 as in the original; 1 for servers that reject 0 (vLLM): the generated token
   *     comes after the echoed prompt and is ignored
   * @param escapeTokens whether tokens and the explanation are escaped (docs/method.md 3.2)
   */
  public AllAtOnceSimulator(
      String model,
      PromptFormat format,
      PromptTexts texts,
      List<FewShotExample> examples,
      int logprobs,
      int maxTokens,
      boolean escapeTokens) {
    if (logprobs < 1 || maxTokens < 0) {
      throw new IllegalArgumentException("logprobs must be at least 1 and max tokens not negative");
    }
    this.model = model;
    this.format = format;
    this.texts = Objects.requireNonNull(texts, "texts");
    this.examples = List.copyOf(examples);
    this.logprobs = logprobs;
    this.maxTokens = maxTokens;
    this.escapeTokens = escapeTokens;
  }

  /** The project's texts. */
  public AllAtOnceSimulator(
      String model,
      PromptFormat format,
      List<FewShotExample> examples,
      int logprobs,
      int maxTokens,
      boolean escapeTokens) {
    this(model, format, PromptTexts.defaults(), examples, logprobs, maxTokens, escapeTokens);
  }

  /** The project's texts, raw token text. */
  public AllAtOnceSimulator(
      String model,
      PromptFormat format,
      List<FewShotExample> examples,
      int logprobs,
      int maxTokens) {
    this(model, format, examples, logprobs, maxTokens, false);
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

  /**
   * The prompt: per example, a user message naming the neuron and its explanation and an assistant
   * message with its records, values revealed from the example's indices; then the same for the
   * target, whose block shows {@code unknown} everywhere and ends the prompt.
   */
  public Prompt prompt(String explanation, List<String> tokens) {
    PromptBuilder builder =
        new PromptBuilder().system(texts.get(PromptText.ALL_AT_ONCE_SYSTEM) + "\n");
    for (int i = 0; i < examples.size(); i++) {
      FewShotExample example = examples.get(i);
      String block =
          RecordRenderer.render(
              example.records(),
              Normalization.maxActivation(example.records()),
              example.firstRevealedActivationIndices(),
              false,
              false,
              escapeTokens);
      builder.user(
          "\n\n"
              + SimulationPrompts.explanationLines(
                  texts,
                  i + 1,
                  SimulationPrompts.exampleExplanation(example.explanation(), escapeTokens)));
      builder.assistant(activations(block) + "\n");
    }
    builder.user(
        "\n\n"
            + SimulationPrompts.explanationLines(
                texts,
                examples.size() + 1,
                SimulationPrompts.explanation(explanation, escapeTokens)));
    builder.assistant(activations(targetBlock(tokens)));
    return builder.build(format);
  }

  private String activations(String block) {
    return "\n" + SimulationPrompts.activationsLabel(texts) + " " + block;
  }

  private String targetBlock(List<String> tokens) {
    List<ActivationRecord> target =
        List.of(new ActivationRecord(tokens, new double[tokens.size()]));
    return RecordRenderer.render(target, 0.0, null, false, true, escapeTokens);
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
    Prompt prompt = prompt(explanation, tokens);
    List<Message> messages = prompt.messages();
    String target = messages.get(messages.size() - 1).content();
    int[] slots = slotByteOffsets(target, tokens);
    JsonNode logprobs = responses.get(0).path("choices").path(0).path("logprobs");
    JsonNode echoed = logprobs.path("tokens");
    JsonNode top = logprobs.path("top_logprobs");
    if (!echoed.isArray() || !top.isArray() || echoed.size() != top.size()) {
      throw new SimulationParseException(
          format.isChat()
              ? "the chat response has no echoed prompt tokens with top logprobs: all-at-once in"
                  + " chat format needs a chat endpoint that echoes the messages' logprobs, which"
                  + " OpenAI's public API does not; use a string format on a completions endpoint"
              : "the response has no echoed tokens with top logprobs (does the server echo prompt"
                  + " logprobs?)");
    }
    List<String> pieces = new ArrayList<>();
    echoed.forEach(token -> pieces.add(token.asText()));
    EchoedTokens layout = new EchoedTokens(pieces);
    int base;
    if (format.isChat()) {
      base = layout.lastIndexOf(target);
      if (base < 0) {
        throw new SimulationParseException(
            "the echoed tokens do not contain the target block that was sent");
      }
    } else {
      int at = layout.indexOf(prompt.text());
      if (at < 0) {
        throw new SimulationParseException(
            "the echoed tokens do not contain the prompt that was sent");
      }
      base = at + utf8Length(prompt.text()) - utf8Length(target);
    }
    return fromSlots(tokens, slots, base, layout, top, escapeTokens);
  }

  private static SequenceSimulation fromSlots(
      List<String> tokens,
      int[] slots,
      int base,
      EchoedTokens layout,
      JsonNode top,
      boolean escapeTokens) {
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
                + TokenText.token(tokens.get(k), escapeTokens)
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
   * The UTF-8 byte offset of each token's {@code unknown} in {@code target}, the last message: a
   * newline, the label, a space, then a block with one {@code token<TAB>unknown} line per token.
   */
  int[] slotByteOffsets(String target, List<String> tokens) {
    int at = activations("\n" + RecordRenderer.START + "\n").length();
    int[] slots = new int[tokens.size()];
    for (int k = 0; k < tokens.size(); k++) {
      String line = TokenText.token(tokens.get(k), escapeTokens) + "\t";
      if (!target.startsWith(line + RecordRenderer.UNKNOWN, at)) {
        throw new IllegalStateException("the target block does not hold token " + k);
      }
      int slot = at + line.length();
      slots[k] = utf8Length(target.substring(0, slot));
      at = slot + RecordRenderer.UNKNOWN.length() + 1;
    }
    return slots;
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
