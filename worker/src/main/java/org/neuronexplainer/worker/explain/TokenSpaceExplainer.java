package org.neuronexplainer.worker.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.neuronexplainer.worker.prompt.Prompt;
import org.neuronexplainer.worker.prompt.PromptBuilder;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.RequestBodies;
import org.neuronexplainer.worker.prompt.TokenCounter;
import org.neuronexplainer.worker.prompt.TokenText;

/**
 * The token-list explainer (docs/method.md 3.5): the model sees the tokens with the highest average
 * activation from the neuron's token lookup table and completes {@link #SEED}. No few-shot
 * examples, as in the original's default. A prompt over the context size is an error, not trimmed.
 */
public final class TokenSpaceExplainer implements LlmExplainer {
  /** The phrase the model continues (docs/method.md 3.5). */
  public static final String SEED = "This neuron is looking for";

  /**
   * How many of the lookup table's top tokens are shown (the paper showed 50, docs/method.md 3.5).
   */
  public static final int DEFAULT_TOKENS_SHOWN = 50;

  static final String SYSTEM =
      "You are studying one neuron inside a language model. This neuron responds most strongly to"
          + " certain tokens of the vocabulary. You will see the tokens it responds to most, in"
          + " order. Say in one short sentence what kind of token the neuron looks for. Describe"
          + " the kind; do not just repeat tokens from the list.";

  private final ExplainerSettings settings;
  private final int tokensShown;
  private final TokenCounter counter;

  public TokenSpaceExplainer(ExplainerSettings settings, int tokensShown, TokenCounter counter) {
    if (tokensShown < 1) {
      throw new IllegalArgumentException("at least one token must be shown");
    }
    this.settings = settings;
    this.tokensShown = tokensShown;
    this.counter = counter;
  }

  /** The paper's 50 tokens, counting tokens with the model's encoding. */
  public TokenSpaceExplainer(ExplainerSettings settings) {
    this(settings, DEFAULT_TOKENS_SHOWN, TokenCounter.forModel(settings.model()));
  }

  @Override
  public ExplainRequest request(ExplainerInput input) {
    if (input.tokenSummary() == null) {
      throw new IllegalArgumentException(
          "the token-space explainer needs the neuron's token lookup table");
    }
    List<String> tokens = input.tokenSummary().tokens();
    return request(tokens.subList(0, Math.min(tokensShown, tokens.size())));
  }

  /** The request for a neuron whose top tokens are {@code tokens}. */
  public ExplainRequest request(List<String> tokens) {
    Prompt prompt = prompt(tokens);
    int estimate = counter.count(prompt);
    if (estimate + settings.maxTokens() > settings.contextSize().tokens()) {
      throw new IllegalArgumentException(
          "the token-space prompt needs about "
              + estimate
              + " tokens plus "
              + settings.maxTokens()
              + " for the answer, over the context size of "
              + settings.contextSize().tokens());
    }
    ObjectNode parameters =
        RequestBodies.parameters()
            .put("max_tokens", settings.maxTokens())
            .put("temperature", settings.temperature())
            .put("top_p", settings.topP())
            .put("n", settings.samples());
    return new ExplainRequest(
        RequestBodies.forPrompt(settings.model(), prompt, parameters), prompt, estimate);
  }

  /** The prompt for {@code tokens}. */
  public Prompt prompt(List<String> tokens) {
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("the token-space explainer needs at least one token");
    }
    String list = tokens.stream().map(TokenSpaceExplainer::quote).collect(Collectors.joining(", "));
    boolean instruction = settings.format() == PromptFormat.INSTRUCTION_FOLLOWING;
    String user = "\n\n\n\nTokens:\n" + list + "\n\nExplanation:\n" + (instruction ? "" : SEED);
    PromptBuilder builder = new PromptBuilder().system(SYSTEM).user(user);
    if (instruction) {
      builder.assistant(SEED);
    }
    return builder.build(settings.format());
  }

  /** Each choice stripped, with one trailing period removed (docs/method.md 3.5). */
  @Override
  public List<Explanation> parse(JsonNode response) {
    List<Explanation> explanations = new ArrayList<>();
    for (String raw : CompletionTexts.of(response)) {
      if (raw == null) {
        continue;
      }
      String text = raw.strip();
      if (text.endsWith(".")) {
        text = text.substring(0, text.length() - 1).strip();
      }
      if (!text.isEmpty()) {
        explanations.add(new Explanation(raw, text));
      }
    }
    if (explanations.isEmpty()) {
      throw new ExplanationParseException("no choice holds an explanation: " + response);
    }
    return explanations;
  }

  /** A token in single quotes: escaped like record tokens, with quotes inside it backslashed. */
  static String quote(String token) {
    return "'" + TokenText.token(token).replace("'", "\\'") + "'";
  }
}
