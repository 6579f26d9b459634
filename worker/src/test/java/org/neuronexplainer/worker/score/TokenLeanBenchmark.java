package org.neuronexplainer.worker.score;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.explain.ExplainerSettings;
import org.neuronexplainer.worker.llm.ClientTransport;
import org.neuronexplainer.worker.llm.LlmClient;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import org.neuronexplainer.worker.llm.Tokenizer;
import org.neuronexplainer.worker.llm.UsageTotals;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.simulate.JsonMultiSimulator;
import org.neuronexplainer.worker.simulate.LlmSimulator;
import org.neuronexplainer.worker.simulate.Simulator;
import org.neuronexplainer.worker.simulate.SimulatorKind;

/**
 * Prompt tokens per scored explanation for each simulator setup, next to the paper's (all-at-once,
 * 5 records per split, linear calibration: 20 simulated sequences), and how many of them a
 * provider's prompt cache would serve. One explanation per neuron is explained and scored through
 * {@link LlmClient} against the scripted server, one call at a time; {@link ScriptedModel} reports
 * each request's exact prompt tokens (jtokkit, cl100k_base), and a {@link ProviderCache} in front
 * of it reports {@code cached_tokens} as OpenAI's prompt cache does: the longest prefix the request
 * shares with an earlier one, nothing under 1,024 tokens, else 1,024 and whole steps of 128. Each
 * setup first scores another neuron, so the figures are those of a run under way (the cache holds
 * the instructions and few-shot examples already). Counts, not timings. Run with {@code mvn -B -o
 * -q -pl common,worker -am test -Dtest=TokenLeanBenchmark -Dgroups=benchmark -DexcludedGroups=none
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class TokenLeanBenchmark {
  private static final Path EXAMPLE =
      Path.of("..", "examples", "collated-activations", "6", "1017.json");

  private record Setup(String name, Function<LlmTransport, Simulator> simulator) {}

  private static final List<Setup> SETUPS =
      List.of(
          new Setup("all-at-once (paper)", t -> SimulatorKind.ALL_AT_ONCE.create("m", t)),
          new Setup("one-at-a-time", t -> SimulatorKind.ONE_AT_A_TIME.create("m", t)),
          new Setup("line", t -> SimulatorKind.LINE.create("m", t)),
          new Setup("json", t -> SimulatorKind.JSON.create("m", t)),
          new Setup("json-multi (5 a call)", t -> SimulatorKind.JSON_MULTI.create("m", t)),
          new Setup(
              "json-multi, 10 a call", t -> new LlmSimulator(new JsonMultiSimulator("m", 10), t)));

  @Test
  void promptTokensPerScoredExplanation() throws Exception {
    report(
        "examples/collated-activations/6/1017.json", DatasetJson.read(EXAMPLE, NeuronRecord.class));
    report("synthetic, 64 tokens a sequence", synthetic(1, 64));
  }

  private static void report(String title, NeuronRecord neuron) throws Exception {
    System.out.printf("%n%s%n", title);
    System.out.printf(
        "%-22s %6s %9s %8s %7s %7s %9s %8s %8s %9s%n",
        "setup",
        "calls",
        "prompt",
        "vs paper",
        "prefix",
        "cached",
        "uncached",
        "vs paper",
        "compl.",
        "$/1000");
    long paperPrompt = 0;
    long paperUncached = 0;
    for (Setup setup : SETUPS) {
      Measured measured = measure(setup, neuron);
      UsageTotals usage = measured.usage();
      long cached = usage.cachedPromptTokens();
      long uncached = usage.promptTokens() - cached;
      if (paperPrompt == 0) {
        paperPrompt = usage.promptTokens();
        paperUncached = uncached;
      }
      // gpt-4o-mini's rates per million: 0.15 prompt, 0.075 cached prompt, 0.60 completion.
      double dollarsPerThousand =
          (uncached * 0.15 + cached * 0.075 + usage.completionTokens() * 0.60) / 1000;
      System.out.printf(
          Locale.ROOT,
          "%-22s %6d %9d %7.2fx %6.0f%% %6.0f%% %9d %7.2fx %8d %9.2f%n",
          setup.name(),
          usage.calls(),
          usage.promptTokens(),
          usage.promptTokens() / (double) paperPrompt,
          100.0 * measured.prefixTokens() / usage.promptTokens(),
          100.0 * cached / usage.promptTokens(),
          uncached,
          uncached / (double) paperUncached,
          usage.completionTokens(),
          dollarsPerThousand);
    }
  }

  private record Measured(UsageTotals usage, long prefixTokens) {}

  /** The usage of one scored explanation of {@code neuron}, after another neuron was scored. */
  private static Measured measure(Setup setup, NeuronRecord neuron) throws Exception {
    ProviderCache cache = new ProviderCache(new ScriptedModel());
    try (ScriptedLlmServer server = new ScriptedLlmServer().otherwise(cache);
        LlmClient client =
            LlmClient.builder(
                    LlmConfig.fromEnv(
                        Map.of(
                            "LLM_BASE_URL", server.root() + "/v1",
                            "LLM_MODEL", "m",
                            "LLM_MAX_CONCURRENCY", "1")))
                .build()) {
      explainAndScore(
          client,
          setup,
          synthetic(2, neuron.mostPositiveActivationRecords().get(0).tokens().size()));
      cache.takePrefixTokens();
      ClientTransport transport = ClientTransport.forNeuron(client);
      explainAndScore(client, setup, neuron, transport);
      UsageTotals usage = transport.account().snapshot();
      assertThat(usage.failures()).isZero();
      return new Measured(usage, cache.takePrefixTokens());
    }
  }

  private static void explainAndScore(LlmClient client, Setup setup, NeuronRecord neuron) {
    explainAndScore(client, setup, neuron, ClientTransport.forNeuron(client));
  }

  private static void explainAndScore(
      LlmClient client, Setup setup, NeuronRecord neuron, ClientTransport transport) {
    ExplainAndScore.Outcome outcome =
        new ExplainAndScore(
                ExplainerKind.TOKEN_ACTIVATION_PAIR.create(
                    ExplainerSettings.defaults("m", PromptFormat.CHAT).withSamples(1)),
                setup.simulator().apply(transport),
                NeuronScorer.paper())
            .run(ExplainerInput.of(neuron), transport)
            .toCompletableFuture()
            .join();
    assertThat(outcome.results().scoredExplanations()).hasSize(1);
  }

  /**
   * A days-of-the-week neuron (the scripted model's) with GPT-2-like excerpts: 24 top records and
   * 15 random ones of {@code length} tokens, seeded by {@code seed}.
   */
  static NeuronRecord synthetic(int seed, int length) {
    String[] words = {
      " the",
      " meeting",
      " on",
      " was",
      " moved",
      " to",
      " and",
      " we",
      " left",
      " early",
      ",",
      ".",
      " in",
      " a",
      " week",
      " of",
      " rain",
      " after",
      " school",
      " work"
    };
    String[] days = {" Monday", " Tuesday", " Friday", " Sunday"};
    Random random = new Random(seed);
    List<ActivationRecord> top = new ArrayList<>();
    List<ActivationRecord> sample = new ArrayList<>();
    for (int r = 0; r < 24 + 15; r++) {
      boolean topRecord = r < 24;
      List<String> tokens = new ArrayList<>();
      double[] values = new double[length];
      for (int t = 0; t < length; t++) {
        boolean day = random.nextInt(topRecord ? 12 : 60) == 0;
        tokens.add(day ? days[random.nextInt(days.length)] : words[random.nextInt(words.length)]);
        values[t] = day ? 4.0 + random.nextDouble() : random.nextDouble() * 0.1;
      }
      (topRecord ? top : sample).add(new ActivationRecord(tokens, values));
    }
    return new NeuronRecord(
        new NeuronId(5, seed),
        sample,
        null,
        null,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        top);
  }

  /**
   * A provider's prompt cache in front of a model: each answer's usage gets {@code
   * prompt_tokens_details.cached_tokens}, the prompt's longest prefix shared with one of the last
   * {@value #REMEMBERED} requests, counted in the model's encoding (whole messages with their
   * overhead, then the common start of the first differing one, less its last token, whose boundary
   * may differ), cached only from 1,024 tokens on and in steps of 128.
   */
  static final class ProviderCache
      implements Function<ScriptedLlmServer.Seen, ScriptedLlmServer.Reply> {
    static final int REMEMBERED = 64;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Function<ScriptedLlmServer.Seen, ScriptedLlmServer.Reply> model;
    private final Deque<List<String[]>> seen = new ArrayDeque<>();
    private long prefixTokens;

    /** The shared prefixes' tokens since the last call, in whole blocks of 16 (vLLM's reuse). */
    synchronized long takePrefixTokens() {
      long taken = prefixTokens;
      prefixTokens = 0;
      return taken;
    }

    ProviderCache(Function<ScriptedLlmServer.Seen, ScriptedLlmServer.Reply> model) {
      this.model = model;
    }

    @Override
    public synchronized ScriptedLlmServer.Reply apply(ScriptedLlmServer.Seen request) {
      ScriptedLlmServer.Reply reply = model.apply(request);
      try {
        JsonNode body = JSON.readTree(request.body());
        Tokenizer tokenizer = Tokenizer.forModel(body.path("model").asText());
        List<String[]> segments = segments(body);
        long shared = 0;
        for (List<String[]> earlier : seen) {
          shared = Math.max(shared, sharedTokens(tokenizer, segments, earlier));
        }
        seen.addFirst(segments);
        if (seen.size() > REMEMBERED) {
          seen.removeLast();
        }
        prefixTokens += shared / 16 * 16;
        long cached = shared < 1024 ? 0 : 1024 + (shared - 1024) / 128 * 128;
        ObjectNode answer = (ObjectNode) JSON.readTree(reply.body());
        ObjectNode usage = (ObjectNode) answer.get("usage");
        usage.putObject("prompt_tokens_details").put("cached_tokens", cached);
        // The generated text counted exactly (the scripted model estimates it); an echo generates
        // nothing.
        long completion = 0;
        if (!body.path("echo").asBoolean()) {
          for (JsonNode choice : answer.path("choices")) {
            JsonNode text =
                choice.has("message") ? choice.at("/message/content") : choice.get("text");
            completion += tokenizer.textTokens(text.asText());
          }
        }
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", usage.path("prompt_tokens").asLong() + completion);
        return ScriptedLlmServer.Reply.json(reply.status(), answer.toString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /** A chat prompt's messages as role and content; a completion prompt as one segment. */
    private static List<String[]> segments(JsonNode body) {
      List<String[]> segments = new ArrayList<>();
      if (body.has("messages")) {
        for (JsonNode message : body.get("messages")) {
          segments.add(
              new String[] {message.path("role").asText(), message.path("content").asText()});
        }
      } else {
        segments.add(new String[] {null, body.path("prompt").asText()});
      }
      return segments;
    }

    private static long sharedTokens(Tokenizer tokenizer, List<String[]> a, List<String[]> b) {
      long tokens = 0;
      for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
        String[] x = a.get(i);
        String[] y = b.get(i);
        boolean chat = x[0] != null;
        if (chat && !x[0].equals(y[0])) {
          return tokens;
        }
        long overhead = chat ? tokenizer.messageOverhead(x[0]) : 0;
        if (x[1].equals(y[1])) {
          tokens += overhead + tokenizer.textTokens(x[1]);
          continue;
        }
        int common = 0;
        while (common < Math.min(x[1].length(), y[1].length())
            && x[1].charAt(common) == y[1].charAt(common)) {
          common++;
        }
        return tokens + overhead + Math.max(0, tokenizer.textTokens(x[1].substring(0, common)) - 1);
      }
      return tokens;
    }
  }
}
