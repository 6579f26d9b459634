package org.neuronexplainer.worker.texts;

import java.util.Arrays;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The names of the fixed texts that prompts are built from, each with the placeholders its text may
 * use: {@code {neuron}}, a neuron's position in the prompt, {@code {sequence}}, a sequence's
 * position within its neuron, and for the classification scorers {@code {excerpt}}, an excerpt's
 * number in its call, and {@code {count}}, the number of excerpts in the call. The layout
 * (newlines, tabs, {@code <start>}/{@code <end>}, where a text goes, the line breaks before and
 * after it) belongs to the code; the words belong to a {@link PromptTexts} file. docs/llm.md lists
 * every name.
 */
public enum PromptText {
  /** The neuron section's first line, shared by the explainer and the simulators. */
  NEURON_HEADING("neuron.heading", Set.of("neuron"), Set.of()),
  /** The line before a neuron's records block. */
  ACTIVATIONS_HEADING("neuron.activations-heading", Set.of(), Set.of()),
  /** The line that asks for, or gives, neuron {@code neuron}'s explanation. */
  EXPLANATION_HEADING("neuron.explanation-heading", Set.of(), Set.of("neuron")),
  /** The start of every explanation sentence (docs/method.md 3.4). */
  EXPLANATION_PREFIX("neuron.explanation-prefix", Set.of(), Set.of()),
  /** The token-activation-pair explainer's system message. */
  EXPLAINER_SYSTEM("explainer.system", Set.of(), Set.of()),
  /** The line before the records repeated without zeros. */
  EXPLAINER_WITHOUT_ZEROS_HEADING("explainer.without-zeros-heading", Set.of(), Set.of()),
  /** The token-space explainer's system message. */
  TOKEN_SPACE_SYSTEM("token-space.system", Set.of(), Set.of()),
  /** The line before the token list, for the examples and the target alike. */
  TOKEN_SPACE_TOKENS_HEADING("token-space.tokens-heading", Set.of(), Set.of()),
  /** The line before the explanation. */
  TOKEN_SPACE_EXPLANATION_HEADING("token-space.explanation-heading", Set.of(), Set.of()),
  /** The words the token-space explanation continues (docs/method.md 3.5). */
  TOKEN_SPACE_SEED("token-space.seed", Set.of(), Set.of()),
  /** The all-at-once simulator's system message. */
  ALL_AT_ONCE_SYSTEM("all-at-once.system", Set.of(), Set.of()),
  /** The one-at-a-time simulator's first system message, before the few-shot neurons. */
  ONE_AT_A_TIME_SYSTEM("one-at-a-time.system", Set.of(), Set.of()),
  /** The system message that switches to predicting a single token. */
  ONE_AT_A_TIME_SINGLE_TOKEN_SYSTEM("one-at-a-time.single-token-system", Set.of(), Set.of()),
  /** The line before the text up to the token asked about. */
  ONE_AT_A_TIME_TEXT_HEADING("one-at-a-time.text-heading", Set.of(), Set.of()),
  /** The line before the token asked about. */
  ONE_AT_A_TIME_LAST_TOKEN_HEADING("one-at-a-time.last-token-heading", Set.of(), Set.of()),
  /** The question the model answers with one number. */
  ONE_AT_A_TIME_QUESTION("one-at-a-time.question", Set.of(), Set.of()),
  /** The line simulator's system message. */
  LINE_SYSTEM("line.system", Set.of(), Set.of()),
  /** The line before a sequence's tokens with blank values; {@code sequence} is its number. */
  LINE_TOKENS_HEADING("line.tokens-heading", Set.of(), Set.of("sequence")),
  /** The line before the same tokens with their values. */
  LINE_VALUES_HEADING("line.values-heading", Set.of(), Set.of("sequence")),
  /** The JSON simulator's system message. */
  JSON_SYSTEM("json.system", Set.of(), Set.of()),
  /** The detection scorer's system message. */
  DETECTION_SYSTEM("detection.system", Set.of(), Set.of()),
  /** The fuzzing scorer's system message. */
  FUZZING_SYSTEM("fuzzing.system", Set.of(), Set.of()),
  /** The words before the explanation a classification scorer judges by. */
  CLASSIFIER_EXPLANATION_HEADING("classifier.explanation-heading", Set.of(), Set.of()),
  /** The start of each excerpt's line; {@code excerpt} is its number in the call. */
  CLASSIFIER_EXCERPT_HEADING("classifier.excerpt-heading", Set.of("excerpt"), Set.of()),
  /** The last line, asking for the answers; {@code count} is the number of excerpts. */
  CLASSIFIER_ANSWER_REQUEST("classifier.answer-request", Set.of("count"), Set.of()),
  /** The reviser's system message (docs/method.md 16.2). */
  REVISION_SYSTEM("revision.system", Set.of(), Set.of()),
  /** The words before the explanation being revised. */
  REVISION_CURRENT_HEADING("revision.current-heading", Set.of(), Set.of()),
  /** The line before the excerpts the explanation missed. */
  REVISION_MISSED_HEADING("revision.missed-heading", Set.of(), Set.of()),
  /** The line before the excerpts the explanation wrongly claimed. */
  REVISION_FALSE_ALARMS_HEADING("revision.false-alarms-heading", Set.of(), Set.of()),
  /** What stands in for an empty list of excerpts. */
  REVISION_NONE("revision.none", Set.of(), Set.of()),
  /** The last line, asking for the revised explanation; the explanation prefix follows it. */
  REVISION_REQUEST("revision.request", Set.of(), Set.of());

  private final String key;
  private final Set<String> required;
  private final Set<String> optional;

  PromptText(String key, Set<String> required, Set<String> optional) {
    this.key = key;
    this.required = required;
    this.optional = optional;
  }

  /** The name in a prompt-texts file. */
  public String key() {
    return key;
  }

  /** The placeholders this text must use. */
  public Set<String> required() {
    return required;
  }

  /** Every placeholder this text may use, the required ones included, sorted. */
  public SortedSet<String> allowed() {
    SortedSet<String> allowed = new TreeSet<>(required);
    allowed.addAll(optional);
    return Collections.unmodifiableSortedSet(allowed);
  }

  /** Whether this text may use {@code placeholder}. */
  public boolean allows(String placeholder) {
    return required.contains(placeholder) || optional.contains(placeholder);
  }

  /** The text called {@code key} in a file. */
  public static Optional<PromptText> fromKey(String key) {
    return Arrays.stream(values()).filter(text -> text.key.equals(key)).findFirst();
  }
}
