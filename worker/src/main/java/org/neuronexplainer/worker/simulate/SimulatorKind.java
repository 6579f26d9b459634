package org.neuronexplainer.worker.simulate;

import java.util.Arrays;
import java.util.Locale;
import org.neuronexplainer.worker.fewshot.FewShotExamples;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.texts.PromptInputs;
import org.neuronexplainer.worker.texts.PromptTexts;

/** The simulator backends by their command-line names, with their default settings. */
public enum SimulatorKind {
  /** docs/method.md 4.1: needs a server that echoes prompt logprobs. */
  ALL_AT_ONCE("all-at-once"),
  /** docs/method.md 4.2 on chat: one call per token with top logprobs. */
  ONE_AT_A_TIME("one-at-a-time"),
  /** docs/method.md 4.3: one call per sequence returning {@code token<TAB>value} lines. */
  LINE("line"),
  /** docs/method.md 4.4: one chat call per sequence returning JSON. */
  JSON("json"),
  /**
   * docs/method.md 4.4 and 12: the JSON simulator with several of a neuron's sequences in one call;
   * not the paper's setup, so its scores carry their own method name.
   */
  JSON_MULTI("json-multi"),
  /** No model: predicts from the tokens the explanation names. */
  BASELINE("baseline");

  private final String configName;

  SimulatorKind(String configName) {
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
   * The request/parse half of this backend for {@code model} with its default settings.
   *
   * @throws IllegalStateException for {@link #BASELINE}, which has no requests
   */
  public SimulationProtocol protocol(String model) {
    return protocol(SimulatorSettings.defaults(model));
  }

  /**
   * The request/parse half of this backend for {@code model} in {@code format}.
   *
   * @throws IllegalArgumentException when the backend cannot use the format (json needs a chat)
   */
  public SimulationProtocol protocol(String model, PromptFormat format) {
    return protocol(model, format, 0);
  }

  /**
   * As {@link #protocol(String, PromptFormat)}, with the all-at-once backend's {@code max_tokens}
   * (0 as in the original; 1 for servers that reject 0, such as vLLM); ignored by the others.
   */
  public SimulationProtocol protocol(String model, PromptFormat format, int echoMaxTokens) {
    return protocol(new SimulatorSettings(model, format, echoMaxTokens));
  }

  /**
   * As {@link #protocol(String, PromptFormat, int)}, with the prompts built from {@code prompts}:
   * its simulator few-shot set when one was chosen, else this backend's bundled one, and its token
   * escaping.
   */
  public SimulationProtocol protocol(
      String model, PromptFormat format, int echoMaxTokens, PromptInputs prompts) {
    return protocol(new SimulatorSettings(model, format, echoMaxTokens), prompts);
  }

  /** The request/parse half of this backend with {@code settings} and the bundled few-shot set. */
  public SimulationProtocol protocol(SimulatorSettings settings) {
    return protocol(settings, PromptInputs.defaults());
  }

  /**
   * The request/parse half of this backend with {@code settings}, its fixed texts and few-shot set
   * from {@code prompts} (docs/method.md 3.4), and the prompts' token escaping.
   *
   * @throws IllegalArgumentException when the backend cannot use the format (json needs a chat)
   * @throws IllegalStateException for {@link #BASELINE}, which has no requests
   */
  public SimulationProtocol protocol(SimulatorSettings settings, PromptInputs prompts) {
    PromptFormat format = settings.format() == null ? defaultFormat() : settings.format();
    boolean escape = prompts.escapeTokens();
    PromptTexts texts = prompts.texts();
    return switch (this) {
      case ALL_AT_ONCE ->
          new AllAtOnceSimulator(
              settings.model(),
              format,
              texts,
              prompts.simulatorExamples(FewShotSet.EXPLANATION).examples(),
              AllAtOnceSimulator.DEFAULT_LOGPROBS,
              settings.allAtOnceMaxTokens(),
              escape);
      case ONE_AT_A_TIME ->
          new OneAtATimeSimulator(
              settings.model(),
              format,
              texts,
              prompts.simulatorExamples(FewShotSet.SIMULATION),
              escape);
      case LINE ->
          new LineSimulator(
              settings.model(),
              format,
              texts,
              prompts.simulatorExamples(FewShotSet.SIMULATION).examples(),
              escape);
      case JSON -> {
        if (!format.isChat()) {
          throw new IllegalArgumentException("the json simulator needs the chat format");
        }
        yield new JsonSimulator(
            settings.model(),
            texts,
            prompts.simulatorExamples(FewShotSet.SIMULATION).examples(),
            escape);
      }
      case JSON_MULTI -> {
        if (!format.isChat()) {
          throw new IllegalArgumentException("the json-multi simulator needs the chat format");
        }
        yield new JsonMultiSimulator(
            settings.model(),
            texts,
            prompts.simulatorExamples(FewShotSet.SIMULATION).examples(),
            escape,
            JsonMultiSimulator.DEFAULT_SEQUENCES_PER_CALL);
      }
      case BASELINE -> throw new IllegalStateException("the baseline simulator sends no requests");
    };
  }

  /**
   * Checks that {@code examples}, a few-shot set chosen instead of the bundled one, has what this
   * backend shows.
   *
   * @throws IllegalArgumentException naming what is missing
   */
  public void checkExamples(FewShotExamples examples) {
    if (needsModel() && examples.examples().isEmpty()) {
      throw new IllegalArgumentException(
          "the " + configName + " simulator needs \"examples\" in its few-shot set");
    }
    if (this == ONE_AT_A_TIME && examples.singleTokenExample() == null) {
      throw new IllegalArgumentException(
          "the one-at-a-time simulator needs \"single_token_example\" in its few-shot set");
    }
  }

  /**
   * This backend, sending through {@code transport}; the baseline ignores both and takes a null
   * model.
   */
  public Simulator create(String model, LlmTransport transport) {
    return this == BASELINE
        ? new BaselineSimulator()
        : create(SimulatorSettings.defaults(model), transport);
  }

  /** This backend in {@code format} (see {@link #protocol(String, PromptFormat, int)}). */
  public Simulator create(
      String model, PromptFormat format, int echoMaxTokens, LlmTransport transport) {
    return create(new SimulatorSettings(model, format, echoMaxTokens), transport);
  }

  /** This backend with {@code settings}, sending through {@code transport}. */
  public Simulator create(SimulatorSettings settings, LlmTransport transport) {
    return create(settings, transport, PromptInputs.defaults());
  }

  /** This backend with {@code settings} and the prompts built from {@code prompts}. */
  public Simulator create(
      SimulatorSettings settings, LlmTransport transport, PromptInputs prompts) {
    return this == BASELINE
        ? new BaselineSimulator()
        : new LlmSimulator(protocol(settings, prompts), transport);
  }

  /** As above, with the prompts built from {@code prompts} (their token escaping included). */
  public Simulator create(
      String model,
      PromptFormat format,
      int echoMaxTokens,
      LlmTransport transport,
      PromptInputs prompts) {
    return create(new SimulatorSettings(model, format, echoMaxTokens), transport, prompts);
  }

  /** This backend in its default format, with the prompts built from {@code prompts}. */
  public Simulator create(String model, LlmTransport transport, PromptInputs prompts) {
    return this == BASELINE
        ? new BaselineSimulator()
        : create(model, defaultFormat(), 0, transport, prompts);
  }

  /** The default prompt format of this backend's requests; null for the baseline. */
  public PromptFormat defaultFormat() {
    return switch (this) {
      case ALL_AT_ONCE -> PromptFormat.INSTRUCTION_FOLLOWING;
      case ONE_AT_A_TIME, LINE, JSON, JSON_MULTI -> PromptFormat.CHAT;
      case BASELINE -> null;
    };
  }

  /** The backend called {@code name}. */
  public static SimulatorKind fromConfigName(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(kind -> kind.configName.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown simulator \""
                        + name
                        + "\" (expected all-at-once, one-at-a-time, line, json, json-multi or baseline)"));
  }
}
