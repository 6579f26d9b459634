package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.kafka.KafkaConfig;
import org.neuronexplainer.common.kafka.testing.TestBroker;
import org.neuronexplainer.common.ops.MetricsSetup;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.LocalDirectoryStore;
import org.neuronexplainer.coordinator.Coordinator;
import org.neuronexplainer.coordinator.progress.NeuronState;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.coordinator.runs.RunView;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import org.neuronexplainer.worker.pipeline.Worker;
import org.neuronexplainer.worker.pipeline.WorkerConfig;

/**
 * An LLM-backed run (token-activation-pair + json) against a scripted endpoint that, while "down",
 * answers 500 for the city neurons (an outage: retried per call, then per job, then failed) and
 * answers garbage for the colour neurons (no explanation in it: failed after its parse retries).
 * The synthetic neurons are told apart by the tokens of the prompt's last message, which holds only
 * the target neuron's records.
 */
class LlmFaultIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CITIES = Pattern.compile("\\b(Paris|London|Berlin|Tokyo|Rome)\\b");
  private static final Pattern COLOURS = Pattern.compile("\\b(red|blue|green|yellow|purple)\\b");

  @RegisterExtension static final TestBroker BROKER = new TestBroker();

  @TempDir Path dir;

  @Test
  void failingNeuronsEndFailedWithReasonsARequeueFinishesThemAndARerunIsServedByTheCache()
      throws Exception {
    BlobStore store = new LocalDirectoryStore(dir);
    SyntheticNeurons.write(store, 16);
    AtomicBoolean down = new AtomicBoolean(true);
    ScriptedModel model = new ScriptedModel();
    try (ScriptedLlmServer llm = new ScriptedLlmServer()) {
      llm.otherwise(
          seen -> {
            String target = lastMessage(seen.body());
            if (down.get() && CITIES.matcher(target).find()) {
              return ScriptedLlmServer.Reply.json(500, "{\"error\":\"overloaded\"}");
            }
            if (down.get() && COLOURS.matcher(target).find()) {
              return ScriptedLlmServer.Reply.json(200, "{\"object\":\"chat.completion\"}");
            }
            return model.apply(seen);
          });
      Map<String, String> env = PipelineIT.env(BROKER, dir, "llm.");
      env.put("LLM_BASE_URL", llm.root() + "/v1");
      env.put("LLM_MODEL", "m");
      env.put("LLM_PRICES", "m=1:2");
      env.put("LLM_MAX_ATTEMPTS", "2");
      env.put("LLM_RETRY_INITIAL_MS", "10");
      env.put("LLM_RETRY_MAX_MS", "20");
      try (MetricsSetup metrics = new MetricsSetup();
          Coordinator c = PipelineIT.coordinator(env, store, metrics);
          Worker w =
              Worker.startWithLlm(
                  WorkerConfig.fromEnv(env, KafkaConfig.fromEnv(env)),
                  LlmConfig.fromEnv(env),
                  store,
                  metrics,
                  PipelineIT.FAST_RETRIES)) {
        c.runs().submit(spec("run-llm"));
        RunView view = PipelineIT.awaitFinished(c, "run-llm", Duration.ofSeconds(90));
        assertThat(view.status().state()).isEqualTo(RunState.FAILED);
        assertThat(view.progress().states().get("done")).isEqualTo(12);
        assertThat(view.progress().meanScore()).isNotNull();
        assertThat(view.progress().promptTokens()).isPositive();
        assertThat(view.progress().completionTokens()).isPositive();
        assertThat(view.progress().costUsd()).isPositive();
        List<RunProgress.NeuronView> failed = c.runs().neurons("run-llm", NeuronState.FAILED);
        assertThat(failed)
            .extracting(RunProgress.NeuronView::neuron)
            .containsExactlyInAnyOrder("1:0", "1:2", "1:4", "1:6");
        for (RunProgress.NeuronView f : failed) {
          if (Set.of("1:2", "1:6").contains(f.neuron())) {
            assertThat(f.reason()).contains("LLM unavailable").contains("500");
            assertThat(f.attempt()).isEqualTo(2);
          } else {
            assertThat(f.reason()).contains("did not parse");
          }
        }

        down.set(false);
        assertThat(
                PipelineIT.post(c.port(), "/api/runs/run-llm/requeue", PipelineIT.TOKEN, "{}")
                    .body())
            .contains("1:0", "1:2", "1:4", "1:6");
        view = PipelineIT.awaitFinished(c, "run-llm", Duration.ofSeconds(60));
        assertThat(view.status().state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(view.progress().states().get("done")).isEqualTo(16);

        // The same method in a new run: every answer comes from the cache, nothing is paid.
        int sent = llm.requests().size();
        c.runs().submit(spec("run-llm-again"));
        RunView again = PipelineIT.awaitFinished(c, "run-llm-again", Duration.ofSeconds(60));
        assertThat(again.status().state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(llm.requests()).hasSize(sent);
        assertThat(again.progress().promptTokens()).isZero();
        assertThat(again.progress().costUsd()).isZero();

        String scrape = PipelineIT.get(c.port(), "/metrics", null).body();
        assertThat(sum(scrape, "neuronexplainer_llm_calls_total", "outcome=\"success\""))
            .isPositive();
        assertThat(sum(scrape, "neuronexplainer_llm_calls_total", "outcome=\"cached\""))
            .isPositive();
        assertThat(sum(scrape, "neuronexplainer_llm_calls_total", "outcome=\"error\""))
            .isPositive();
        assertThat(sum(scrape, "neuronexplainer_llm_latency_seconds_count", "model=\"m\""))
            .isPositive();
        // The meters count every call, the run's totals only the attempts that succeeded.
        assertThat(sum(scrape, "neuronexplainer_llm_tokens_total", "kind=\"prompt\""))
            .isGreaterThanOrEqualTo(view.progress().promptTokens());
        assertThat(sum(scrape, "neuronexplainer_llm_cost_usd_total", "model=\"m\"")).isPositive();
      }
    }
  }

  private static RunSpec spec(String runId) {
    return new RunSpec(
        runId, "store", null, null, "token-activation-pair", "json", "linear", "m", 2);
  }

  private static String lastMessage(String body) {
    try {
      JsonNode messages = JSON.readTree(body).path("messages");
      return messages.path(messages.size() - 1).path("content").asText();
    } catch (Exception e) {
      return "";
    }
  }

  /** The sum of a metric's samples whose labels contain {@code label}. */
  private static double sum(String scrape, String name, String label) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
    double total = 0;
    while (m.find()) {
      if (m.group(1).contains(label)) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }
}
