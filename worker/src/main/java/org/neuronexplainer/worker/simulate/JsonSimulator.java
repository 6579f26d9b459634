package org.neuronexplainer.worker.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.fewshot.FewShotExample;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.prompt.PromptBuilder;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.RequestBodies;
import org.neuronexplainer.worker.prompt.TokenText;
import org.neuronexplainer.worker.records.Normalization;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * The logprob-free JSON simulator (docs/method.md 4.4): one chat call per sequence; the model
 * returns the JSON object it was given with every activation filled in. Few-shot answers use the
 * normalized 0..10 values the model is asked for (the original showed raw values, a quirk not
 * kept).
 *
 * <p>Validation is strict where the original fell back to zeros: the reply must be a JSON object (a
 * surrounding Markdown code fence is tolerated) whose {@code activations} list has one entry per
 * token, each an object with {@code token} and {@code activation}, the activation a JSON number in
 * [0, 10]. Anything else is a {@link SimulationParseException}. Token text is not compared, as in
 * the original: models re-encode whitespace and odd bytes, and the length check catches dropped or
 * added entries. EVs are the values; distributions are empty lists (docs/method.md 1.5).
 *
 * <p>Token text and the explanation go into the JSON strings as they are; with escaping on, the
 * block markers in them are neutralized and the explanation is put on one line (docs/method.md
 * 3.2).
 */
public final class JsonSimulator implements SimulationProtocol {
  /** Room for a 64-token sequence's JSON answer (docs/method.md 4.4). */
  public static final int MAX_TOKENS = 2000;

  private final String model;
  private final PromptTexts texts;
  private final List<FewShotExample> examples;
  private final boolean escapeTokens;

  /**
   * @param texts the fixed texts: {@code json.system}
   * @param escapeTokens whether the block markers in tokens and the explanation are neutralized
   */
  public JsonSimulator(
      String model, PromptTexts texts, List<FewShotExample> examples, boolean escapeTokens) {
    this.model = model;
    this.texts = Objects.requireNonNull(texts, "texts");
    this.examples = List.copyOf(examples);
    this.escapeTokens = escapeTokens;
  }

  /** The project's texts. */
  public JsonSimulator(String model, List<FewShotExample> examples, boolean escapeTokens) {
    this(model, PromptTexts.defaults(), examples, escapeTokens);
  }

  /** The project's texts, raw token text. */
  public JsonSimulator(String model, List<FewShotExample> examples) {
    this(model, examples, false);
  }

  /** The bundled simulation examples. */
  public JsonSimulator(String model) {
    this(model, FewShotSet.SIMULATION.examples().examples());
  }

  @Override
  public List<LlmRequest> requests(String explanation, List<String> tokens) {
    PromptBuilder builder = new PromptBuilder().system(texts.get(PromptText.JSON_SYSTEM));
    for (FewShotExample example : examples) {
      double max = Normalization.maxActivation(example.records());
      for (ActivationRecord record : example.records()) {
        int[] values = Normalization.normalize(record, max);
        String shown = SimulationPrompts.exampleExplanation(example.explanation(), escapeTokens);
        builder.user(write(document(shown, record.tokens(), null)));
        builder.assistant(write(document(shown, record.tokens(), values)));
      }
    }
    builder.user(
        write(document(SimulationPrompts.explanation(explanation, escapeTokens), tokens, null)));
    ObjectNode parameters =
        RequestBodies.parameters().put("max_tokens", MAX_TOKENS).put("temperature", 0);
    parameters.putObject("response_format").put("type", "json_object");
    return List.of(RequestBodies.forPrompt(model, builder.build(PromptFormat.CHAT), parameters));
  }

  @Override
  public SequenceSimulation parse(
      String explanation, List<String> tokens, List<JsonNode> responses) {
    if (responses.size() != 1) {
      throw new IllegalArgumentException("one response expected, got " + responses.size());
    }
    JsonNode content = responses.get(0).path("choices").path(0).path("message").path("content");
    if (!content.isTextual()) {
      throw new SimulationParseException("the response has no message content");
    }
    double[] expected = JsonActivations.read(content.textValue(), tokens.size());
    return SimulationPrompts.simulation(tokens, expected, List.of(), List.of());
  }

  /** The object the model sees: values null to ask, filled to answer. */
  ObjectNode document(String explanation, List<String> tokens, int[] values) {
    ObjectNode object = RequestBodies.JSON.createObjectNode();
    object.put("to_find", explanation);
    return fill(object, tokens, values, escapeTokens);
  }

  /**
   * {@code object} with a sequence's {@code document} text and its {@code activations} list, values
   * null to ask, filled to answer; token text neutralized with {@code escape}.
   */
  static ObjectNode fill(ObjectNode object, List<String> tokens, int[] values, boolean escape) {
    object.put(
        "document",
        tokens.stream().map(token -> token(token, escape)).collect(Collectors.joining()));
    ArrayNode activations = object.putArray("activations");
    for (int i = 0; i < tokens.size(); i++) {
      ObjectNode entry = activations.addObject();
      entry.put("token", token(tokens.get(i), escape));
      if (values == null) {
        entry.putNull("activation");
      } else {
        entry.put("activation", values[i]);
      }
    }
    return object;
  }

  private static String token(String token, boolean escape) {
    return escape ? TokenText.neutralizeMarkers(token) : token;
  }

  /** The message text of a JSON tree. */
  static String write(ObjectNode object) {
    try {
      return RequestBodies.JSON.writeValueAsString(object);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }
}
