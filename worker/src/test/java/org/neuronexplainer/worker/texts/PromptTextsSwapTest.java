package org.neuronexplainer.worker.texts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.worker.classify.ClassifierProtocol;
import org.neuronexplainer.worker.classify.Excerpt;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.explain.ExplainerSettings;
import org.neuronexplainer.worker.explain.TokenActivationPairExplainer;
import org.neuronexplainer.worker.explain.TokenSpaceExplainer;
import org.neuronexplainer.worker.fewshot.FewShotSet;
import org.neuronexplainer.worker.llm.LlmRequest;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.prompt.TokenCounter;
import org.neuronexplainer.worker.revise.Disagreement;
import org.neuronexplainer.worker.revise.LlmReviser;
import org.neuronexplainer.worker.revise.Revision;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import org.neuronexplainer.worker.simulate.SimulatorSettings;

/**
 * Swapping the prompt-text file changes the texts and nothing else: every prompt kind and format is
 * built once with the project's texts and once with a file in which every text is a distinct marker
 * (spanning two lines, with the text's placeholders); with each marker put back as the project's
 * text, the requests are the same byte for byte. Together the prompts show every text.
 */
class PromptTextsSwapTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code ⟦name|<newline>|value⟧}: the value is what the text's placeholder was filled with. */
  private static final Pattern MARKER = Pattern.compile("⟦([a-z.-]+)\\|\n\\|([0-9]*)⟧");

  private static final PromptTexts DEFAULTS = PromptTexts.defaults();
  private static final PromptTexts MARKERS = markers();
  private static final Set<PromptText> SEEN = EnumSet.noneOf(PromptText.class);

  private static final List<String> TOKENS = List.of("0", "1", "2");

  /** Sparse (one value of six), so the explainer repeats it without zeros. */
  private static final ActivationRecord TARGET =
      new ActivationRecord(List.of("x", "y", "z", "u", "v", "w"), new double[] {0, 0, 4, 0, 0, 0});

  private static PromptTexts markers() {
    ObjectNode file = JSON.createObjectNode();
    for (PromptText name : PromptText.values()) {
      String placeholder = name.allowed().isEmpty() ? "" : "{" + name.allowed().first() + "}";
      file.put(name.key(), "⟦" + name.key() + "|\n|" + placeholder + "⟧");
    }
    return PromptTexts.parse(file.toString().getBytes(StandardCharsets.UTF_8), "markers.json");
  }

  static Stream<Arguments> prompts() {
    List<Arguments> cases = new ArrayList<>();
    for (boolean escape : new boolean[] {false, true}) {
      for (PromptFormat format : PromptFormat.values()) {
        cases.add(
            Arguments.of(
                "token-activation-pair " + format + escaped(escape),
                requests(texts -> pairExplainer(format, texts, escape))));
        cases.add(
            Arguments.of(
                "token-space " + format + escaped(escape),
                requests(texts -> tokenSpace(format, texts, false, escape))));
        cases.add(
            Arguments.of(
                "token-space with few-shot " + format + escaped(escape),
                requests(texts -> tokenSpace(format, texts, true, escape))));
        for (SimulatorKind kind :
            List.of(SimulatorKind.ALL_AT_ONCE, SimulatorKind.ONE_AT_A_TIME, SimulatorKind.LINE)) {
          cases.add(
              Arguments.of(
                  kind.configName() + " " + format + escaped(escape),
                  requests(texts -> simulator(kind, format, texts, escape))));
        }
      }
      for (ClassifierKind kind : ClassifierKind.values()) {
        cases.add(
            Arguments.of(
                kind.wireName() + " CHAT" + escaped(escape),
                requests(texts -> classifier(kind, texts))));
      }
      cases.add(
          Arguments.of(
              "reviser CHAT" + escaped(escape), requests(texts -> reviser(texts, escape))));
      cases.add(
          Arguments.of(
              "json CHAT" + escaped(escape),
              requests(texts -> simulator(SimulatorKind.JSON, PromptFormat.CHAT, texts, escape))));
    }
    return cases.stream();
  }

  private static String escaped(boolean escape) {
    return escape ? ", escaped" : "";
  }

  /** The requests with the project's texts and with the markers. */
  private static List<List<LlmRequest>> requests(Function<PromptTexts, List<LlmRequest>> build) {
    return List.of(build.apply(DEFAULTS), build.apply(MARKERS));
  }

  private static List<LlmRequest> pairExplainer(
      PromptFormat format, PromptTexts texts, boolean escape) {
    ExplainerSettings settings =
        ExplainerSettings.defaults("m", format)
            .withPrompts(new PromptInputs(texts, FewShotSet.TEST.examples(), null, escape));
    TokenActivationPairExplainer explainer =
        (TokenActivationPairExplainer)
            ExplainerKind.TOKEN_ACTIVATION_PAIR.create(settings, TokenCounter.approximate());
    return List.of(explainer.request(List.of(TARGET)).request());
  }

  private static List<LlmRequest> tokenSpace(
      PromptFormat format, PromptTexts texts, boolean fewShot, boolean escape) {
    PromptInputs inputs =
        new PromptInputs(texts, fewShot ? FewShotSet.TEST.examples() : null, null, escape);
    ExplainerSettings settings = ExplainerSettings.defaults("m", format).withPrompts(inputs);
    TokenSpaceExplainer explainer =
        (TokenSpaceExplainer)
            ExplainerKind.TOKEN_SPACE.create(settings, TokenCounter.approximate());
    return List.of(explainer.request(List.of("foo", "it's", "a\nb")).request());
  }

  private static List<LlmRequest> simulator(
      SimulatorKind kind, PromptFormat format, PromptTexts texts, boolean escape) {
    PromptInputs inputs = new PromptInputs(texts, null, FewShotSet.TEST.examples(), escape);
    return kind.protocol(SimulatorSettings.defaults("m").withFormat(format), inputs)
        .requests("numbers\nand nothing else", TOKENS);
  }

  private static List<LlmRequest> classifier(ClassifierKind kind, PromptTexts texts) {
    Excerpt excerpt =
        new Excerpt(
            "top:0",
            Excerpt.ACTIVATING,
            new ActivationRecord(TOKENS, new double[] {0, 3, 0}),
            List.of(1),
            true);
    return List.of(
        new ClassifierProtocol(kind, "m", texts, true)
            .request("numbers\nand nothing else", List.of(excerpt, excerpt)));
  }

  /** A revision with no missed activation (the empty list's text) and one false alarm. */
  private static List<LlmRequest> reviser(PromptTexts texts, boolean escape) {
    ExplainerSettings settings =
        ExplainerSettings.defaults("m", PromptFormat.CHAT)
            .withPrompts(new PromptInputs(texts, null, null, escape));
    NeuronRecord neuron =
        new NeuronRecord(
            new NeuronId(0, 0),
            List.of(TARGET),
            null,
            null,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Collections.nCopies(20, TARGET));
    Revision revision =
        new Revision(
            ExplainerInput.of(neuron),
            "numbers\nand nothing else",
            List.of(),
            List.of(new Disagreement("simulation", false, TOKENS, null, List.of(1))));
    return List.of(new LlmReviser(settings).request(revision));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("prompts")
  void theMarkersPutBackGiveTheDefaultRequests(String kind, List<List<LlmRequest>> built) {
    List<LlmRequest> defaults = built.get(0);
    List<LlmRequest> marked = built.get(1);

    assertThat(marked).hasSameSizeAs(defaults);
    for (int i = 0; i < defaults.size(); i++) {
      ObjectNode body = defaults.get(i).body();
      assertThat(body.toString()).doesNotContain("⟦");
      ObjectNode restored = restore(marked.get(i).body());
      assertThat(restored).as(kind + ", request " + i).isEqualTo(body);
      assertThat(marked.get(i).endpoint()).isEqualTo(defaults.get(i).endpoint());
    }
  }

  @AfterAll
  static void everyTextAppearsInSomePrompt() {
    assertThat(SEEN).containsExactlyInAnyOrder(PromptText.values());
  }

  /** The body with every marker in its prompt or messages replaced by the project's text. */
  private static ObjectNode restore(ObjectNode body) {
    ObjectNode copy = body.deepCopy();
    JsonNode prompt = copy.get("prompt");
    if (prompt != null) {
      assertThat(prompt.textValue()).contains("⟦");
      copy.set("prompt", new TextNode(restore(prompt.textValue())));
    }
    JsonNode messages = copy.get("messages");
    if (messages != null) {
      assertThat(messages.toString()).contains("⟦");
      for (JsonNode message : messages) {
        ((ObjectNode) message)
            .set("content", new TextNode(restore(message.get("content").textValue())));
      }
    }
    return copy;
  }

  private static String restore(String text) {
    Matcher matcher = MARKER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      PromptText name = PromptText.fromKey(matcher.group(1)).orElseThrow();
      SEEN.add(name);
      String value = matcher.group(2);
      String original =
          name.allowed().isEmpty()
              ? DEFAULTS.get(name)
              : DEFAULTS.format(name, Map.of(name.allowed().first(), value));
      matcher.appendReplacement(out, Matcher.quoteReplacement(original));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
