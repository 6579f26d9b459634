package org.neuronexplainer.worker.explain;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.neuronexplainer.worker.fewshot.FewShotExamples;
import org.neuronexplainer.worker.fewshot.TokenSpaceExample;
import org.neuronexplainer.worker.prompt.TokenCounter;

/** The explainer backends by their command-line names. */
public enum ExplainerKind {
  /** docs/method.md 3.4: records shown as token and activation pairs. */
  TOKEN_ACTIVATION_PAIR("token-activation-pair"),
  /** docs/method.md 3.5: the token lookup table's top tokens. */
  TOKEN_SPACE("token-space"),
  /** No model: names the characteristic tokens. */
  BASELINE("baseline");

  private final String configName;

  ExplainerKind(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /** Whether this backend calls a model. */
  public boolean needsModel() {
    return this != BASELINE;
  }

  /**
   * This backend, counting prompt tokens with the model's encoding; {@code settings} is ignored by
   * the baseline and may be null for it.
   */
  public Explainer create(ExplainerSettings settings) {
    return create(settings, settings == null ? null : TokenCounter.forModel(settings.model()));
  }

  /** This backend, counting prompt tokens with {@code counter} (docs/method.md 3.3). */
  public Explainer create(ExplainerSettings settings, TokenCounter counter) {
    return switch (this) {
      case TOKEN_ACTIVATION_PAIR -> new TokenActivationPairExplainer(settings, counter);
      case TOKEN_SPACE ->
          new TokenSpaceExplainer(
              settings, tokenSpaceExamples(settings), TokenSpaceExplainer.ALL_TOKENS, counter);
      case BASELINE -> new BaselineExplainer();
    };
  }

  /**
   * The token-space explainer's few-shot examples: the {@code token_space_examples} of the
   * explainer's chosen few-shot set, none when no set was chosen or it has none (the original's
   * default is no few-shot examples, docs/method.md 3.5).
   */
  private static List<TokenSpaceExample> tokenSpaceExamples(ExplainerSettings settings) {
    FewShotExamples chosen = settings.prompts().explainerExamples();
    return chosen == null ? List.of() : chosen.tokenSpaceExamples();
  }

  /**
   * Checks that {@code examples}, a few-shot set chosen instead of the bundled one, has what this
   * backend shows.
   *
   * @throws IllegalArgumentException naming what is missing
   */
  public void checkExamples(FewShotExamples examples) {
    if (this == TOKEN_ACTIVATION_PAIR && examples.examples().isEmpty()) {
      throw new IllegalArgumentException(
          "the token-activation-pair explainer needs \"examples\" in its few-shot set");
    }
  }

  /** The backend called {@code name}. */
  public static ExplainerKind fromConfigName(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(kind -> kind.configName.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown explainer \""
                        + name
                        + "\" (expected token-activation-pair, token-space or baseline)"));
  }
}
