package org.neuronexplainer.cli.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.Tokenizer;
import picocli.CommandLine;

class LlmOptionsTest {

  private static LlmOptions parse(String... args) {
    LlmOptions options = new LlmOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void theTokenizerFlagOverridesTheVariableForThisProcessAndTheRunsWorker() {
    Map<String, String> env = Map.of("LLM_TOKENIZER", "o200k_base", "LLM_MODEL", "gpt-4o");

    assertThat(parse().config(env).tokenizerFor("gpt-4o")).isEqualTo(Tokenizer.O200K_BASE);
    LlmOptions flagged = parse("--tokenizer", "r50k_base");
    assertThat(flagged.overrides(env)).containsEntry("LLM_TOKENIZER", "r50k_base");
    assertThat(flagged.config(env).tokenizerFor("gpt-4o")).isEqualTo(Tokenizer.R50K_BASE);
    assertThat(parse().config(Map.of()).tokenizerFor("gpt-4o")).isEqualTo(Tokenizer.O200K_BASE);
  }

  @Test
  void aBadTokenizerNamesTheFlagOrTheVariable() {
    assertThatThrownBy(() -> parse("--tokenizer", "bpe").overrides(Map.of()))
        .isInstanceOf(UserException.class)
        .hasMessage(
            "--tokenizer is 'bpe': expected one of auto, cl100k_base, o200k_base, p50k_base,"
                + " r50k_base, estimate");
    assertThatThrownBy(() -> parse().config(Map.of("LLM_TOKENIZER", "bpe")))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("LLM_TOKENIZER is 'bpe': expected one of auto, cl100k_base");
  }

  @Test
  void theSimulatorFlagsGiveTheSimulatorAnEndpointAndAKeyOfItsOwn() {
    Map<String, String> env = Map.of("LLM_MODEL", "gpt-4o", "LLM_API_KEY", "sk-x", "VLLM_KEY", "v");

    LlmConfig config =
        parse(
                "--simulator-url", "http://vllm:8000/v1",
                "--simulator-model", "llama",
                "--simulator-key-env", "VLLM_KEY")
            .config(env);
    assertThat(config.model()).isEqualTo("gpt-4o");
    assertThat(config.simulatorEndpoint().baseUrl()).isEqualTo(URI.create("http://vllm:8000/v1"));
    assertThat(config.simulatorEndpoint().model()).isEqualTo("llama");
    assertThat(config.simulatorEndpoint().apiKey()).isEqualTo("v");
    assertThat(parse().config(env).splitSimulator()).isFalse();
    assertThatThrownBy(() -> parse("--simulator-url", "http://vllm:8000/v1").config(env))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("LLM_SIMULATOR_MODEL is not set");
    assertThatThrownBy(() -> parse("--simulator-key-env", "NONE").overrides(env))
        .isInstanceOf(UserException.class)
        .hasMessage("--simulator-key-env NONE: that variable is not set");
  }
}
