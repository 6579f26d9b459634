package org.neuronexplainer.cli.explain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.worker.llm.TokenEstimator;
import picocli.CommandLine;

class PromptCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RECORD = ExplainNeuronCommandTest.RECORD;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  /** The JSON bodies between the '#' lines. */
  private List<JsonNode> bodies() throws Exception {
    List<JsonNode> bodies = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    for (String line : out.toString().lines().toList()) {
      if (line.startsWith("#")) {
        if (body.length() > 0) {
          bodies.add(JSON.readTree(body.toString()));
          body.setLength(0);
        }
      } else {
        body.append(line).append('\n');
      }
    }
    return bodies;
  }

  @Test
  void explainPrintsTheChatRequestWithItsExactTokenCount() throws Exception {
    int exit =
        run(
            "prompt",
            "explain",
            "--record",
            RECORD,
            "--llm-model",
            "gpt-x",
            "--llm-url",
            "http://127.0.0.1:9/v1");

    assertThat(exit).as(err.toString()).isZero();
    JsonNode body = bodies().get(0);
    // An unknown model is counted with cl100k_base: each message's role and content, 3 tokens a
    // message and 3 for the reply's priming (OpenAI's chat format), counted here with jtokkit.
    Encoding cl100k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    long tokens = 3;
    for (JsonNode message : body.path("messages")) {
      tokens +=
          3
              + cl100k.countTokensOrdinary(message.path("role").asText())
              + cl100k.countTokensOrdinary(message.path("content").asText());
    }
    assertThat(out.toString())
        .startsWith("# request 1 of 1: POST http://127.0.0.1:9/v1/chat/completions\n")
        .contains(
            "# prompt tokens (cl100k_base): "
                + tokens
                + "; with the completion allowance: "
                + (tokens + 5 * 60)
                + "\n")
        .endsWith("# 1 request, prompt tokens (cl100k_base) in all: " + tokens + "\n");
    assertThat(body.path("model").asText()).isEqualTo("gpt-x");
    assertThat(body.path("n").asInt()).isEqualTo(5);
    assertThat(body.path("max_tokens").asInt()).isEqualTo(60);
    JsonNode messages = body.path("messages");
    assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
    // The target neuron comes last, after the few-shot neurons, with its train records.
    assertThat(messages.get(messages.size() - 1).path("content").asText())
        .contains("Neuron 4", " Monday\t10", "the main thing this neuron does is find");
  }

  @Test
  void theCountsFollowTheModelOrTheTokenizerFlag() throws Exception {
    assertThat(run("prompt", "explain", "--record", RECORD, "--llm-model", "gpt-4o-mini"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("# prompt tokens (o200k_base): ");
    long o200k = printedTotal();

    out.getBuffer().setLength(0);
    assertThat(
            run(
                "prompt",
                "explain",
                "--record",
                RECORD,
                "--llm-model",
                "gpt-4o-mini",
                "--tokenizer",
                "cl100k_base"))
        .isZero();
    assertThat(out.toString()).contains("# prompt tokens (cl100k_base): ");
    assertThat(printedTotal()).isNotEqualTo(o200k);

    out.getBuffer().setLength(0);
    assertThat(
            run(
                "prompt",
                "explain",
                "--record",
                RECORD,
                "--llm-model",
                "gpt-4o-mini",
                "--tokenizer",
                "estimate"))
        .isZero();
    assertThat(printedTotal()).isEqualTo(TokenEstimator.promptTokens(bodies().get(0)));
    assertThat(out.toString()).contains("# 1 request, prompt tokens (estimate) in all: ");
  }

  @Test
  void aBadTokenizerIsAUserErrorNamingTheFlagAndTheChoices() {
    assertThat(
            run("prompt", "explain", "--record", RECORD, "--llm-model", "m", "--tokenizer", "gpt2"))
        .isOne();
    assertThat(err.toString())
        .contains(
            "--tokenizer is 'gpt2': expected one of auto, cl100k_base, o200k_base, p50k_base,"
                + " r50k_base, estimate");
    assertThat(out.toString()).isEmpty();
  }

  /** The number at the end of the last line: the prompt tokens of every request. */
  private long printedTotal() {
    List<String> lines = out.toString().lines().toList();
    String last = lines.get(lines.size() - 1);
    return Long.parseLong(last.substring(last.lastIndexOf(' ') + 1));
  }

  @Test
  void explainInCompletionFormatSendsAPrompt() throws Exception {
    assertThat(
            run(
                "prompt",
                "explain",
                "--record",
                RECORD,
                "--llm-model",
                "m",
                "--format",
                "completion"))
        .isZero();
    assertThat(out.toString()).contains("/completions\n").doesNotContain("chat/completions");
    assertThat(bodies().get(0).path("prompt").asText()).endsWith("does is find");
  }

  @Test
  void simulateAllAtOnceAsksForEchoedLogprobsOfOneSequence() throws Exception {
    assertThat(
            run(
                "prompt",
                "simulate",
                "--record",
                RECORD,
                "--llm-model",
                "m",
                "--explanation",
                "days of the week"))
        .as(err.toString())
        .isZero();
    List<JsonNode> bodies = bodies();
    assertThat(bodies).hasSize(1);
    assertThat(bodies.get(0).path("echo").asBoolean()).isTrue();
    assertThat(bodies.get(0).path("max_tokens").asInt()).isZero();
    assertThat(bodies.get(0).path("prompt").asText()).contains("days of the week", "\tunknown");
  }

  @Test
  void simulateOneAtATimeSendsOneChatRequestPerToken() throws Exception {
    assertThat(
            run(
                "prompt",
                "simulate",
                "--record",
                RECORD,
                "--llm-model",
                "m",
                "--simulator",
                "one-at-a-time",
                "--sequence",
                "7"))
        .isZero();
    List<JsonNode> bodies = bodies();
    assertThat(bodies).hasSizeGreaterThan(10);
    assertThat(bodies).allMatch(b -> b.path("top_logprobs").asInt() == 20);
    assertThat(out.toString()).contains("# " + bodies.size() + " requests");
  }

  @Test
  void simulateLinePrintsOneChatRequestWithBlankLines() throws Exception {
    assertThat(
            run(
                "prompt",
                "simulate",
                "--record",
                RECORD,
                "--llm-model",
                "m",
                "--simulator",
                "line",
                "--explanation",
                "days of the week"))
        .as(err.toString())
        .isZero();
    List<JsonNode> bodies = bodies();
    assertThat(bodies).hasSize(1);
    JsonNode messages = bodies.get(0).path("messages");
    assertThat(messages.get(messages.size() - 1).path("content").asText())
        .contains("days of the week", "\t\u0F17\n")
        .endsWith("\n\n\nSequence 1, tokens with activations:\n");
  }

  @Test
  void simulateAllAtOnceInChatFormatSendsTheTargetBlockAsTheLastMessage() throws Exception {
    assertThat(
            run(
                "prompt",
                "simulate",
                "--record",
                RECORD,
                "--llm-model",
                "m",
                "--llm-url",
                "http://127.0.0.1:9/v1",
                "--format",
                "chat"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("POST http://127.0.0.1:9/v1/chat/completions");
    JsonNode body = bodies().get(0);
    JsonNode messages = body.path("messages");
    assertThat(body.path("echo").asBoolean()).isTrue();
    assertThat(body.path("logprobs").asInt()).isEqualTo(15);
    assertThat(messages.get(messages.size() - 1).path("role").asText()).isEqualTo("assistant");
    assertThat(messages.get(messages.size() - 1).path("content").asText())
        .startsWith("\nActivations: \n<start>\n")
        .endsWith("\tunknown\n<end>\n");
  }

  @Test
  void userErrors() {
    assertThat(run("prompt", "simulate", "--record", RECORD, "--simulator", "baseline")).isOne();
    assertThat(err.toString()).contains("sends no request");
    assertThat(
            run(
                "prompt",
                "simulate",
                "--record",
                RECORD,
                "--llm-model",
                "m",
                "--simulator",
                "json",
                "--format",
                "completion"))
        .isOne();
    assertThat(err.toString()).contains("needs the chat format");
    assertThat(run("prompt", "explain", "--record", RECORD, "--llm-model", "m", "--format", "x"))
        .isOne();
    assertThat(err.toString()).contains("unknown format");
  }

  @Test
  void simulatePrintsTheRequestForTheSimulatorsOwnEndpointAndModel() throws Exception {
    int exit =
        run(
            "prompt",
            "simulate",
            "--record",
            RECORD,
            "--simulator",
            "all-at-once",
            "--llm-model",
            "gpt-x",
            "--llm-url",
            "http://127.0.0.1:9/v1",
            "--simulator-url",
            "http://127.0.0.1:10/v1",
            "--simulator-model",
            "small");

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .startsWith("# request 1 of 1: POST http://127.0.0.1:10/v1/completions\n");
    assertThat(bodies().get(0).path("model").asText()).isEqualTo("small");
  }
}
