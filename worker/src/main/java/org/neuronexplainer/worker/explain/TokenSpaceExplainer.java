package org.neuronexplainer.worker.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.neuronexplainer.worker.fewshot.TokenSpaceExample;
import org.neuronexplainer.worker.fewshot.TokenSpaceExamples;
import org.neuronexplainer.worker.prompt.Prompt;
import org.neuronexplainer.worker.prompt.PromptBuilder;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.RequestBodies;
import org.neuronexplainer.worker.prompt.TokenCounter;
import org.neuronexplainer.worker.prompt.TokenText;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * The token-list explainer (docs/method.md 3.5): the model sees the tokens of the neuron's token
 * lookup table, in order, and completes the seed words ({@code token-space.seed}). Without few-shot
 * examples by default, as the original; with the {@code token_space_examples} of a chosen few-shot
 * set ({@link ExplainerKind#create}) or {@link #withFewShot}'s bundled ones, they come first. Every
 * fixed text comes from the settings' {@link PromptTexts}. A prompt over the context size is an
 * error, not trimmed.
 */
public final class TokenSpaceExplainer implements LlmExplainer {
  /** Show every token of the lookup table, as the original does. */
  public static final int ALL_TOKENS = Integer.MAX_VALUE;

  private final ExplainerSettings settings;
  private final List<TokenSpaceExample> examples;
  private final int tokensShown;
  private final TokenCounter counter;

  /**
   * @param examples the few-shot examples shown before the target; empty for none
   * @param tokensShown how many of the table's first tokens are shown, {@link #ALL_TOKENS} for all
   */
  public TokenSpaceExplainer(
      ExplainerSettings settings,
      List<TokenSpaceExample> examples,
      int tokensShown,
      TokenCounter counter) {
    if (tokensShown < 1) {
      throw new IllegalArgumentException("at least one token must be shown");
    }
    this.settings = settings;
    this.examples = List.copyOf(examples);
    this.tokensShown = tokensShown;
    this.counter = counter;
  }

  /** No few-shot examples, every token, counting tokens with the model's encoding. */
  public TokenSpaceExplainer(ExplainerSettings settings) {
    this(settings, List.of(), ALL_TOKENS, TokenCounter.forModel(settings.model()));
  }

  /** The bundled few-shot examples, every token, counting tokens with the model's encoding. */
  public static TokenSpaceExplainer withFewShot(ExplainerSettings settings) {
    return new TokenSpaceExplainer(
        settings,
        TokenSpaceExamples.bundled(),
        ALL_TOKENS,
        TokenCounter.forModel(settings.model()));
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

  /** The prompt for {@code tokens}: the system message, the examples, then the target. */
  public Prompt prompt(List<String> tokens) {
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("the token-space explainer needs at least one token");
    }
    PromptBuilder builder = new PromptBuilder().system(texts().get(PromptText.TOKEN_SPACE_SYSTEM));
    for (TokenSpaceExample example : examples) {
      addSection(builder, example.tokens(), example.explanation());
    }
    addSection(builder, tokens, null);
    return builder.build(settings.format());
  }

  /**
   * One neuron's user message and, for an example, the answer: the seed, the explanation as written
   * (it brings its own leading space) and a period.
   */
  private void addSection(PromptBuilder builder, List<String> tokens, String explanation) {
    PromptTexts texts = texts();
    String list = tokens.stream().map(this::quote).collect(Collectors.joining(", "));
    String user =
        "\n\n\n\n"
            + texts.get(PromptText.TOKEN_SPACE_TOKENS_HEADING)
            + "\n"
            + list
            + "\n\n"
            + texts.get(PromptText.TOKEN_SPACE_EXPLANATION_HEADING)
            + "\n";
    String seed = texts.get(PromptText.TOKEN_SPACE_SEED);
    // In instruction-following format the end-of-prompt marker comes before the seed.
    String answer = "";
    if (settings.format() == PromptFormat.INSTRUCTION_FOLLOWING) {
      answer = seed;
    } else {
      user += seed;
    }
    builder.user(user);
    if (explanation != null) {
      answer += explanation + ".";
    }
    if (!answer.isEmpty()) {
      builder.assistant(answer);
    }
  }

  /**
   * Each choice as the model wrote it, less one final period (or period and space), as in the
   * original (docs/method.md 3.5); a choice with no text or only whitespace is not an explanation.
   */
  @Override
  public List<Explanation> parse(JsonNode response) {
    List<Explanation> explanations = new ArrayList<>();
    for (String raw : CompletionTexts.of(response)) {
      if (raw != null && !raw.isBlank()) {
        explanations.add(new Explanation(raw, removeFinalPeriod(raw)));
      }
    }
    if (explanations.isEmpty()) {
      throw new ExplanationParseException("no choice holds an explanation: " + response);
    }
    return explanations;
  }

  static String removeFinalPeriod(String text) {
    if (text.endsWith(".")) {
      return text.substring(0, text.length() - 1);
    }
    if (text.endsWith(". ")) {
      return text.substring(0, text.length() - 2);
    }
    return text;
  }

  private PromptTexts texts() {
    return settings.prompts().texts();
  }

  /** A token in single quotes: as it is, or escaped with quotes inside it backslashed. */
  private String quote(String token) {
    return quote(token, settings.escapeTokens());
  }

  static String quote(String token, boolean escape) {
    return "'" + (escape ? TokenText.token(token).replace("'", "\\'") : token) + "'";
  }
}
