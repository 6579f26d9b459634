package org.neuronexplainer.worker.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.worker.TestNeurons;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.explain.ExplainerSettings;
import org.neuronexplainer.worker.explain.LlmExplainer;
import org.neuronexplainer.worker.fewshot.FewShotExample;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.prompt.PromptFormat;

/**
 * The prompts of one run start with everything they share, byte for byte, so that a provider's
 * prompt cache serves it: the instructions and few-shot examples come first and the neuron's own
 * part (its records, its explanation, the tokens asked about) last. For every model-backed
 * simulator and the token-activation-pair explainer, in each format: two requests for different
 * neurons agree up to the target's messages (chat) or past the last few-shot example (string
 * prompts). The one-at-a-time layout is the exception, kept because it must be the original's
 * bytes: its worked single-token example, which comes before the target, shows the explanation
 * under test.
 */
class SharedPrefixTest {
  private static final List<String> ONE = List.of(" We", " met", " on", " Monday");
  private static final List<String> OTHER = List.of(" Rain", " fell", " all", " week");

  /** Role and content of every message, or the prompt string, as one text. */
  private static String flat(JsonNode body) {
    if (!body.has("messages")) {
      return body.get("prompt").textValue();
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode message : body.get("messages")) {
      text.append(message.get("role").textValue()).append('\u0001');
      text.append(message.get("content").textValue()).append('\u0002');
    }
    return text.toString();
  }

  /** Where the last message starts in {@link #flat}; 0 for a prompt string. */
  private static int lastMessageStart(JsonNode body) {
    return lastMessagesStart(body, 1);
  }

  /** Where the last {@code n} messages start in {@link #flat}; 0 for a prompt string. */
  private static int lastMessagesStart(JsonNode body, int n) {
    if (!body.has("messages")) {
      return 0;
    }
    String text = flat(body);
    int end = text.length() - 1;
    for (int i = 0; i < n; i++) {
      end = text.lastIndexOf('\u0002', end - 1);
    }
    return end + 1;
  }

  private static int shared(String a, String b) {
    int i = 0;
    while (i < Math.min(a.length(), b.length()) && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }

  private static void assertExamplesBefore(String text, int end, List<FewShotExample> examples) {
    for (FewShotExample example : examples) {
      String last = example.records().get(example.records().size() - 1).tokens().get(0);
      assertThat(text.substring(end)).doesNotContain(example.explanation().strip());
      assertThat(text.substring(0, end)).contains(example.explanation().strip()).contains(last);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = SimulatorKind.class,
      names = {"ALL_AT_ONCE", "LINE", "JSON", "JSON_MULTI"})
  void simulatorPromptsShareEverythingButTheTarget(SimulatorKind kind) {
    for (PromptFormat format : formats(kind)) {
      SimulationProtocol protocol = kind.protocol("m", format);
      JsonNode one = protocol.requests("names of days", ONE).get(0).body();
      JsonNode other = protocol.requests("rainy weather", OTHER).get(0).body();
      String text = flat(one);
      int end = shared(text, flat(other));

      // The all-at-once target is a user message (the explanation) and the assistant's block.
      int target = kind == SimulatorKind.ALL_AT_ONCE ? 2 : 1;
      assertThat(end)
          .as(kind + " in " + format)
          .isGreaterThanOrEqualTo(lastMessagesStart(one, target));
      FewShotSet set =
          kind == SimulatorKind.ALL_AT_ONCE ? FewShotSet.EXPLANATION : FewShotSet.SIMULATION;
      if (!kind.configName().startsWith("json")) {
        assertExamplesBefore(text, end, set.examples().examples());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = PromptFormat.class,
      names = {"CHAT", "INSTRUCTION_FOLLOWING"})
  void explainerPromptsShareEverythingButTheNeuronsRecords(PromptFormat format) {
    LlmExplainer explainer =
        (LlmExplainer)
            ExplainerKind.TOKEN_ACTIVATION_PAIR.create(ExplainerSettings.defaults("m", format));
    JsonNode one = explainer.request(ExplainerInput.of(TestNeurons.canada())).request().body();
    JsonNode other =
        explainer.request(ExplainerInput.of(renamed(TestNeurons.canada()))).request().body();
    String text = flat(one);
    int end = shared(text, flat(other));

    assertThat(end).isGreaterThanOrEqualTo(lastMessageStart(one));
    assertExamplesBefore(text, end, FewShotSet.EXPLANATION.examples().examples());
  }

  @ParameterizedTest
  @EnumSource(
      value = PromptFormat.class,
      names = {"CHAT", "INSTRUCTION_FOLLOWING"})
  void oneAtATimeSharesItsExamplesAcrossNeuronsAndAllButTheTargetWithinOne(PromptFormat format) {
    SimulationProtocol protocol = SimulatorKind.ONE_AT_A_TIME.protocol("m", format);
    JsonNode first = protocol.requests("names of days", ONE).get(0).body();
    JsonNode last = protocol.requests("names of days", ONE).get(ONE.size() - 1).body();
    JsonNode other = protocol.requests("rainy weather", OTHER).get(0).body();
    String text = flat(first);
    int acrossNeurons = shared(text, flat(other));

    // Every token of one sequence: all but the question about it is shared.
    assertThat(shared(text, flat(last))).isGreaterThanOrEqualTo(lastMessageStart(first));
    // Across neurons the few-shot neurons are shared, and the worked example is not: it shows
    // the explanation under test (the original's layout).
    assertExamplesBefore(text, acrossNeurons, FewShotSet.SIMULATION.examples().examples());
    String worked =
        String.join(
            "",
            FewShotSet.SIMULATION
                .examples()
                .singleTokenExample()
                .records()
                .get(0)
                .tokens()
                .subList(0, 2));
    assertThat(text.indexOf(worked, acrossNeurons)).isGreaterThanOrEqualTo(acrossNeurons);
  }

  private static List<PromptFormat> formats(SimulatorKind kind) {
    return kind.configName().startsWith("json")
        ? List.of(PromptFormat.CHAT)
        : List.of(PromptFormat.CHAT, PromptFormat.INSTRUCTION_FOLLOWING);
  }

  /** The same neuron with other token text. */
  private static NeuronRecord renamed(NeuronRecord neuron) {
    return new NeuronRecord(
        neuron.neuronId(),
        renamed(neuron.randomSample()),
        null,
        null,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        renamed(neuron.mostPositiveActivationRecords()));
  }

  private static List<ActivationRecord> renamed(List<ActivationRecord> records) {
    List<ActivationRecord> out = new ArrayList<>();
    for (ActivationRecord record : records) {
      out.add(
          new ActivationRecord(
              record.tokens().stream().map(token -> token + "x").toList(), record.activations()));
    }
    return out;
  }
}
