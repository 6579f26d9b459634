package org.neuronexplainer.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlmConfigTest {

  static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void defaultsPointAtOpenAi() {
    LlmConfig config = LlmConfig.fromEnv(Map.of());

    assertThat(config.baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
    assertThat(config.flavor()).isEqualTo(ApiFlavor.OPENAI);
    assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(config.maxConcurrency()).isEqualTo(16);
    assertThat(config.requestsPerMinute()).isZero();
    assertThat(config.maxAttempts()).isEqualTo(8);
    assertThat(config.endpoint(EndpointKind.CHAT))
        .isEqualTo(URI.create("https://api.openai.com/v1/chat/completions"));
  }

  @Test
  void readsEveryVariable() {
    LlmConfig config =
        LlmConfig.fromEnv(
            env(
                "LLM_BASE_URL", "http://vllm:8000/v1/",
                "LLM_API_KEY", "sk-secret",
                "LLM_MODEL", "llama",
                "LLM_EXTRA_HEADERS", "X-A=1, X-B = two=2",
                "LLM_TIMEOUT_SECONDS", "2.5",
                "LLM_MAX_CONCURRENCY", "64",
                "LLM_REQUESTS_PER_MINUTE", "500",
                "LLM_TOKENS_PER_MINUTE", "200000",
                "LLM_MAX_ATTEMPTS", "3",
                "LLM_RETRY_INITIAL_MS", "250",
                "LLM_RETRY_MAX_MS", "5000",
                "LLM_PRICES", "gpt-4o=2.5:10, gpt-4o-mini=0.15:0.6:0.075"));

    assertThat(config.endpoint(EndpointKind.COMPLETIONS))
        .isEqualTo(URI.create("http://vllm:8000/v1/completions"));
    assertThat(config.apiKey()).isEqualTo("sk-secret");
    assertThat(config.extraHeaders())
        .containsExactlyInAnyOrderEntriesOf(Map.of("X-A", "1", "X-B", "two=2"));
    assertThat(config.timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(config.maxConcurrency()).isEqualTo(64);
    assertThat(config.requestsPerMinute()).isEqualTo(500);
    assertThat(config.tokensPerMinute()).isEqualTo(200_000);
    assertThat(config.maxAttempts()).isEqualTo(3);
    assertThat(config.retryInitialDelay()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.retryMaxDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.prices().lookup("gpt-4o")).contains(new ModelPrice(2.5, 10, 2.5));
    assertThat(config.prices().lookup("gpt-4o-mini")).contains(new ModelPrice(0.15, 0.6, 0.075));
  }

  @Test
  void azureBuildsDeploymentUrls() {
    LlmConfig config =
        LlmConfig.fromEnv(
            env(
                "LLM_API_FLAVOR", "Azure",
                "LLM_BASE_URL", "https://res.openai.azure.com",
                "LLM_API_KEY", "k",
                "LLM_MODEL", "gpt-4o"));

    assertThat(config.endpoint(EndpointKind.CHAT))
        .isEqualTo(
            URI.create(
                "https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version="
                    + LlmConfig.DEFAULT_AZURE_API_VERSION));
  }

  @Test
  void azureNeedsADeploymentAndAKey() {
    assertThatThrownBy(() -> LlmConfig.fromEnv(env("LLM_API_FLAVOR", "azure", "LLM_API_KEY", "k")))
        .hasMessageContaining("LLM_AZURE_DEPLOYMENT");
    assertThatThrownBy(() -> LlmConfig.fromEnv(env("LLM_API_FLAVOR", "azure", "LLM_MODEL", "m")))
        .hasMessageContaining("LLM_API_KEY");
  }

  @Test
  void aBadValueNamesTheVariableAndTheValue() {
    String[][] cases = {
      {"LLM_BASE_URL", "ftp://x"},
      {"LLM_BASE_URL", "not a url"},
      {"LLM_API_FLAVOR", "bedrock"},
      {"LLM_TIMEOUT_SECONDS", "-1"},
      {"LLM_TIMEOUT_SECONDS", "soon"},
      {"LLM_MAX_CONCURRENCY", "0"},
      {"LLM_REQUESTS_PER_MINUTE", "1.5"},
      {"LLM_TOKENS_PER_MINUTE", "-3"},
      {"LLM_MAX_ATTEMPTS", "many"},
      {"LLM_PRICES", "gpt-4o=2.5"},
      {"LLM_PRICES", "gpt-4o=a:b"},
      {"LLM_PRICES", "gpt-4o=-1:2"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> LlmConfig.fromEnv(env(c[0], c[1])))
          .as(c[0] + "=" + c[1])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c[0])
          .hasMessageContaining(c[1]);
    }
  }

  @Test
  void headerErrorsNameTheHeaderButNotItsValue() {
    assertThatThrownBy(() -> LlmConfig.fromEnv(env("LLM_EXTRA_HEADERS", "Host=secret-value")))
        .hasMessageContaining("LLM_EXTRA_HEADERS")
        .hasMessageContaining("Host")
        .hasMessageNotContaining("secret-value");
  }

  @Test
  void toStringRedactsSecrets() {
    String shown =
        LlmConfig.fromEnv(
                env("LLM_API_KEY", "sk-very-secret", "LLM_EXTRA_HEADERS", "X-Token=tok-secret"))
            .toString();

    assertThat(shown).doesNotContain("sk-very-secret").doesNotContain("tok-secret");
    assertThat(shown).contains("<redacted>").contains("X-Token");
  }

  @Test
  void withoutSimulatorVariablesTheSimulatorCallsTheExplainersEndpoint() {
    LlmConfig config = LlmConfig.fromEnv(env("LLM_MODEL", "gpt-4o"));

    assertThat(config.splitSimulator()).isFalse();
    assertThat(config.simulatorEndpoint()).isSameAs(config);
  }

  @Test
  void aSimulatorAtItsOwnUrlInheritsHowCallsAreMadeButNotTheKeyOrLimits() {
    LlmConfig config =
        LlmConfig.fromEnv(
            env(
                "LLM_MODEL", "gpt-4o",
                "LLM_API_KEY", "sk-openai",
                "LLM_EXTRA_HEADERS", "X-Org=o",
                "LLM_REQUESTS_PER_MINUTE", "500",
                "LLM_MAX_ATTEMPTS", "3",
                "LLM_PRICES", "gpt-4o=2.5:10",
                "LLM_SIMULATOR_BASE_URL", "http://vllm:8000/v1",
                "LLM_SIMULATOR_MODEL", "llama",
                "LLM_SIMULATOR_MAX_CONCURRENCY", "128"));

    LlmConfig simulator = config.simulatorEndpoint();
    assertThat(config.splitSimulator()).isTrue();
    assertThat(config.model()).isEqualTo("gpt-4o");
    assertThat(config.maxConcurrency()).isEqualTo(16);
    assertThat(simulator.endpoint(EndpointKind.COMPLETIONS))
        .isEqualTo(URI.create("http://vllm:8000/v1/completions"));
    assertThat(simulator.model()).isEqualTo("llama");
    assertThat(simulator.maxConcurrency()).isEqualTo(128);
    assertThat(simulator.maxAttempts()).isEqualTo(3);
    assertThat(simulator.prices().lookup("gpt-4o")).isPresent();
    // The OpenAI key, headers and limits are not the vLLM server's.
    assertThat(simulator.apiKey()).isEmpty();
    assertThat(simulator.extraHeaders()).isEmpty();
    assertThat(simulator.requestsPerMinute()).isZero();
    assertThat(simulator.splitSimulator()).isFalse();
  }

  @Test
  void aSimulatorModelAloneKeepsTheExplainersEndpointAndKey() {
    LlmConfig config =
        LlmConfig.fromEnv(
            env(
                "LLM_BASE_URL", "http://gateway:8080/v1",
                "LLM_API_KEY", "sk-gw",
                "LLM_MODEL", "gpt-4o",
                "LLM_REQUESTS_PER_MINUTE", "500",
                "LLM_SIMULATOR_MODEL", "gpt-4o-mini",
                "LLM_SIMULATOR_API_KEY", "sk-other"));

    LlmConfig simulator = config.simulatorEndpoint();
    assertThat(simulator.baseUrl()).isEqualTo(config.baseUrl());
    assertThat(simulator.model()).isEqualTo("gpt-4o-mini");
    assertThat(simulator.apiKey()).isEqualTo("sk-other");
    assertThat(simulator.requestsPerMinute()).isEqualTo(500);
  }

  @Test
  void simulatorSettingsAreCheckedInTheirOwnNames() {
    assertThatThrownBy(
            () -> LlmConfig.fromEnv(env("LLM_SIMULATOR_BASE_URL", "http://vllm:8000/v1")))
        .hasMessageContaining("LLM_SIMULATOR_MODEL is not set");
    assertThatThrownBy(() -> LlmConfig.fromEnv(env("LLM_SIMULATOR_API_KEY", "k")))
        .hasMessageContaining("LLM_SIMULATOR_API_KEY is set, but neither LLM_SIMULATOR_BASE_URL");
    assertThatThrownBy(
            () ->
                LlmConfig.fromEnv(
                    env("LLM_SIMULATOR_MODEL", "m", "LLM_SIMULATOR_MAX_ATTEMPTS", "zero")))
        .hasMessageContaining("LLM_SIMULATOR_MAX_ATTEMPTS is 'zero'");
    assertThatThrownBy(
            () ->
                LlmConfig.fromEnv(
                    env(
                        "LLM_SIMULATOR_BASE_URL", "https://x.openai.azure.com",
                        "LLM_SIMULATOR_MODEL", "m",
                        "LLM_SIMULATOR_API_FLAVOR", "azure")))
        .hasMessage("LLM_SIMULATOR_API_FLAVOR=azure needs LLM_SIMULATOR_API_KEY");
  }

  @Test
  void theSimulatorsKeyIsRedactedToo() {
    String text =
        LlmConfig.fromEnv(
                env(
                    "LLM_SIMULATOR_BASE_URL", "http://vllm:8000/v1",
                    "LLM_SIMULATOR_MODEL", "llama",
                    "LLM_SIMULATOR_API_KEY", "sk-sim-secret"))
            .toString();
    assertThat(text)
        .contains("simulator=LlmConfig[baseUrl=http://vllm:8000/v1")
        .doesNotContain("sk-sim-secret");
  }
}
