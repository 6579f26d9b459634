package org.neuronexplainer.worker.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.fewshot.FewShotExample;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.prompt.PromptBuilder;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.RequestBodies;
import org.neuronexplainer.worker.records.Normalization;
import org.neuronexplainer.worker.texts.PromptText;
import org.neuronexplainer.worker.texts.PromptTexts;

/**
 * The JSON simulator with several of a neuron's sequences in one chat call (docs/method.md 4.4,
 * {@code --simulator json-multi}), a departure from the paper's setup that pays the instructions
 * and few-shot examples once per group rather than once per sequence. Each user message is one
 * object, {@code {"to_find": ..., "documents": [{"document": ..., "activations": [...]}, ...]}},
 * the activations of each document as the {@link JsonSimulator} writes them; each few-shot example
 * is one user/assistant pair holding all its records. The system message is the JSON simulator's.
 *
 * <p>The reply is read as strictly as the JSON simulator's, document by document: a {@code
 * documents} list with exactly one entry per sequence of the group, each with one activation per
 * token. A reply that leaves out, adds or cuts short any document fails the whole group, which is
 * asked for again as a whole; no sequence is scored from a partial answer.
 */
public final class JsonMultiSimulator implements SimulationProtocol {
  /** Sequences per call by default: one split of the paper's setting (5 records). */
  public static final int DEFAULT_SEQUENCES_PER_CALL = 5;

  private final String model;
  private final PromptTexts texts;
  private final List<FewShotExample> examples;
  private final boolean escapeTokens;
  private final int sequencesPerCall;

  /**
   * @param texts the fixed texts: {@code json.system}
   * @param escapeTokens whether the block markers in tokens and the explanation are neutralized
   * @param sequencesPerCall the most sequences one call simulates
   */
  public JsonMultiSimulator(
      String model,
      PromptTexts texts,
      List<FewShotExample> examples,
      boolean escapeTokens,
      int sequencesPerCall) {
    if (sequencesPerCall < 1) {
      throw new IllegalArgumentException("sequences per call must be at least 1");
    }
    this.model = model;
    this.texts = Objects.requireNonNull(texts, "texts");
    this.examples = List.copyOf(examples);
    this.escapeTokens = escapeTokens;
    this.sequencesPerCall = sequencesPerCall;
  }

  /** The project's texts and bundled simulation examples, raw token text. */
  public JsonMultiSimulator(String model, int sequencesPerCall) {
    this(
        model,
        PromptTexts.defaults(),
        FewShotSet.SIMULATION.examples().examples(),
        false,
        sequencesPerCall);
  }

  @Override
  public int sequencesPerCall() {
    return sequencesPerCall;
  }

  @Override
  public List<LlmRequest> requests(String explanation, List<String> tokens) {
    return groupRequests(explanation, List.of(tokens));
  }

  @Override
  public SequenceSimulation parse(
      String explanation, List<String> tokens, List<JsonNode> responses) {
    return parseGroup(explanation, List.of(tokens), responses).get(0);
  }

  @Override
  public List<LlmRequest> groupRequests(String explanation, List<List<String>> sequences) {
    if (sequences.isEmpty() || sequences.size() > sequencesPerCall) {
      throw new IllegalArgumentException(
          "a group of " + sequences.size() + " sequences, at most " + sequencesPerCall + " a call");
    }
    PromptBuilder builder = new PromptBuilder().system(texts.get(PromptText.JSON_SYSTEM));
    for (FewShotExample example : examples) {
      double max = Normalization.maxActivation(example.records());
      String shown = SimulationPrompts.exampleExplanation(example.explanation(), escapeTokens);
      List<List<String>> tokens = new ArrayList<>();
      List<int[]> values = new ArrayList<>();
      for (ActivationRecord record : example.records()) {
        tokens.add(record.tokens());
        values.add(Normalization.normalize(record, max));
      }
      builder.user(JsonSimulator.write(documents(shown, tokens, null)));
      builder.assistant(JsonSimulator.write(documents(shown, tokens, values)));
    }
    builder.user(
        JsonSimulator.write(
            documents(SimulationPrompts.explanation(explanation, escapeTokens), sequences, null)));
    ObjectNode parameters =
        RequestBodies.parameters()
            .put("max_tokens", JsonSimulator.MAX_TOKENS * sequences.size())
            .put("temperature", 0);
    parameters.putObject("response_format").put("type", "json_object");
    return List.of(RequestBodies.forPrompt(model, builder.build(PromptFormat.CHAT), parameters));
  }

  @Override
  public List<SequenceSimulation> parseGroup(
      String explanation, List<List<String>> sequences, List<JsonNode> responses) {
    if (responses.size() != 1) {
      throw new IllegalArgumentException("one response expected, got " + responses.size());
    }
    JsonNode content = responses.get(0).path("choices").path(0).path("message").path("content");
    if (!content.isTextual()) {
      throw new SimulationParseException("the response has no message content");
    }
    List<double[]> expected =
        JsonActivations.readAll(content.textValue(), sequences.stream().map(List::size).toList());
    List<SequenceSimulation> simulations = new ArrayList<>(sequences.size());
    for (int i = 0; i < sequences.size(); i++) {
      simulations.add(
          SimulationPrompts.simulation(sequences.get(i), expected.get(i), List.of(), List.of()));
    }
    return simulations;
  }

  /** The object the model sees: values null to ask, one array per sequence to answer. */
  ObjectNode documents(String explanation, List<List<String>> sequences, List<int[]> values) {
    ObjectNode object = RequestBodies.JSON.createObjectNode();
    object.put("to_find", explanation);
    ArrayNode documents = object.putArray("documents");
    for (int i = 0; i < sequences.size(); i++) {
      JsonSimulator.fill(
          documents.addObject(),
          sequences.get(i),
          values == null ? null : values.get(i),
          escapeTokens);
    }
    return object;
  }
}
