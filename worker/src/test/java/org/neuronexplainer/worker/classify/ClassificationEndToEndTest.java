package org.neuronexplainer.worker.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.worker.llm.ClientTransport;
import org.neuronexplainer.worker.llm.LlmClient;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.prompt.RequestBodies;
import org.neuronexplainer.worker.records.SliceParams;

/**
 * Each classification scorer through the real {@link LlmClient} against an OpenAI-compatible server
 * on loopback. The scripted model says yes to an excerpt that holds a day name (detection) or whose
 * every highlighted run holds one (fuzzing), with logprobs for each answer digit.
 */
class ClassificationEndToEndTest {
  private static final Pattern EXCERPT = Pattern.compile("^Excerpt \\d+: (.*)$", Pattern.MULTILINE);
  private static final Pattern RUN = Pattern.compile("<<(.*?)>>");
  private static final String EXPLANATION = "names of the days of the week";

  private final NeuronRecord neuron = DayNeuron.neuron();
  private ScriptedLlmServer server;

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedLlmServer().otherwise(ClassificationEndToEndTest::answer);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private LlmClient client() {
    LlmConfig config =
        LlmConfig.fromEnv(
            Map.of(
                "LLM_BASE_URL", server.root() + "/v1",
                "LLM_MODEL", "m",
                "LLM_RETRY_INITIAL_MS", "10",
                "LLM_PRICES", "m=1:2"));
    return LlmClient.builder(config).build();
  }

  private static boolean hasDay(String text) {
    return Arrays.stream(DayNeuron.DAYS).anyMatch(day -> text.contains(day.strip()));
  }

  /** The scripted scorer model. */
  private static ScriptedLlmServer.Reply answer(ScriptedLlmServer.Seen seen) {
    try {
      JsonNode request = RequestBodies.JSON.readTree(seen.body());
      String user = request.path("messages").get(1).path("content").asText();
      boolean fuzzing = request.path("messages").get(0).path("content").asText().contains("<<");
      List<Integer> answers = new ArrayList<>();
      Matcher excerpts = EXCERPT.matcher(user);
      while (excerpts.find()) {
        String line = excerpts.group(1);
        boolean yes;
        if (fuzzing) {
          Matcher runs = RUN.matcher(line);
          yes = true;
          while (runs.find()) {
            yes &= hasDay(runs.group(1));
          }
        } else {
          yes = hasDay(line);
        }
        answers.add(yes ? 1 : 0);
      }
      return ScriptedLlmServer.Reply.json(
          200, RequestBodies.JSON.writeValueAsString(reply(answers)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A chat reply listing {@code answers}, with logprobs: 0.9 for the chosen digit. */
  private static ObjectNode reply(List<Integer> answers) {
    ObjectNode body = RequestBodies.JSON.createObjectNode();
    ObjectNode choice = body.putArray("choices").addObject();
    choice.putObject("message").put("role", "assistant").put("content", answers.toString());
    ArrayNode tokens = choice.putObject("logprobs").putArray("content");
    tokens.addObject().put("token", "[").put("logprob", 0.0);
    for (int i = 0; i < answers.size(); i++) {
      String digit = answers.get(i).toString();
      ObjectNode entry = tokens.addObject().put("token", (i == 0 ? "" : " ") + digit);
      entry.put("logprob", Math.log(0.9));
      ArrayNode top = entry.putArray("top_logprobs");
      top.addObject().put("token", digit).put("logprob", Math.log(0.9));
      top.addObject().put("token", digit.equals("1") ? "0" : "1").put("logprob", Math.log(0.1));
      tokens.addObject().put("token", i + 1 < answers.size() ? "," : "]").put("logprob", 0.0);
    }
    choice.put("finish_reason", "stop");
    body.putObject("usage")
        .put("prompt_tokens", 100)
        .put("completion_tokens", 2 * answers.size())
        .put("total_tokens", 100 + 2 * answers.size());
    return body;
  }

  private ClassificationResults run(ClassifierKind kind, LlmClient client, int perCall) {
    ClassifierSettings settings = ClassifierSettings.defaults().withExcerptsPerCall(perCall);
    ClientTransport transport = ClientTransport.forNeuron(client);
    return new ClassificationScorer(kind, settings, SliceParams.paper())
        .scoreAll(
            neuron,
            List.of(EXPLANATION, "punctuation"),
            new LlmClassifier("m", transport, settings))
        .toCompletableFuture()
        .join();
  }

  private static void assertRecomputedAndStored(ClassificationResults results) {
    byte[] bytes = ClassificationJson.toBytes(results);
    assertThat(ClassificationJson.read(bytes, "r.json")).isEqualTo(results);
    assertThat(results.recompute()).isEqualTo(results);
  }

  @Test
  void detectionScoresEveryExplanationInBatchesWithProbabilities() {
    try (LlmClient client = client()) {
      ClassificationResults results = run(ClassifierKind.DETECTION, client, 6);

      // 20 excerpts in calls of 6: 4 calls per explanation, 2 explanations.
      assertThat(server.requests()).hasSize(8);
      assertThat(results.scorer()).isEqualTo(ClassifierKind.DETECTION);
      assertThat(results.neuronId()).isEqualTo(neuron.neuronId());
      ClassifiedExplanation first = results.explanations().get(0);
      assertThat(first.explanation()).isEqualTo(EXPLANATION);
      assertThat(first.excerpts()).hasSize(20);
      assertThat(first.metrics().accuracy()).isEqualTo(1.0);
      assertThat(first.metrics().auroc()).isEqualTo(1.0);
      assertThat(first.excerpts()).allSatisfy(e -> assertThat(e.probability()).isNotNull());
      assertRecomputedAndStored(results);
    }
  }

  @Test
  void fuzzingScoresTheHighlightsAndKeepsThem() {
    try (LlmClient client = client()) {
      ClassificationResults results = run(ClassifierKind.FUZZING, client, 10);

      assertThat(server.requests()).hasSize(2);
      assertThat(server.requests().get(0).body()).contains("<<");
      ClassifiedExplanation first = results.explanations().get(0);
      assertThat(first.excerpts())
          .hasSize(10)
          .allSatisfy(e -> assertThat(e.highlighted()).isNotEmpty());
      assertThat(first.metrics().balancedAccuracy()).isEqualTo(1.0);
      assertThat(first.metrics().auroc()).isEqualTo(1.0);
      assertRecomputedAndStored(results);
    }
  }

  @Test
  void aGarbageAnswerFailsTheScorerWithItsReasonAfterTheRetries() {
    server.otherwise(
        seen ->
            ScriptedLlmServer.Reply.json(200, ScriptedLlmServer.chatReply("I think so", 10, 3)));
    try (LlmClient client = client()) {
      assertThatThrownBy(() -> run(ClassifierKind.DETECTION, client, 20))
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(ClassificationParseException.class)
          .hasMessageContaining("detection: no parseable answer after 3 attempts")
          .hasMessageContaining("the answer is not JSON");
      // Two explanations, one call each, asked three times.
      assertThat(server.requests()).hasSize(2 * ClassifierSettings.defaults().maxAttempts());
      assertThatThrownBy(() -> run(ClassifierKind.FUZZING, client, 20))
          .hasMessageContaining("fuzzing: no parseable answer after 3 attempts");
    }
  }
}
