package org.neuronexplainer.common.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HubIdTest {
  @Test
  void bareNamesOwnersAndRevisions() {
    assertThat(HubId.parse("gpt2")).contains(new HubId("gpt2", "main"));
    assertThat(HubId.parse("openai-community/gpt2-xl"))
        .contains(new HubId("openai-community/gpt2-xl", "main"));
    assertThat(HubId.parse("someone/tiny.gpt2_x@refs/pr/1"))
        .contains(new HubId("someone/tiny.gpt2_x", "refs/pr/1"));
  }

  @Test
  void legacyNamesShareTheirOwnersCacheFolder() {
    assertThat(HubId.parse("gpt2").orElseThrow().cacheFolder())
        .isEqualTo(HubId.parse("openai-community/gpt2").orElseThrow().cacheFolder())
        .isEqualTo("openai-community--gpt2/main");
    assertThat(HubId.parse("distilgpt2").orElseThrow().cacheFolder())
        .isEqualTo("distilbert--distilgpt2/main");
    assertThat(HubId.parse("a/b@refs/pr/1").orElseThrow().cacheFolder())
        .isEqualTo("a--b/refs--pr--1");
  }

  @Test
  void pathsAreNotHubIds() {
    for (String path :
        new String[] {"./gpt2", "/models/gpt2", "a/b/c", "../gpt2", "gpt2/", "a/b@"}) {
      assertThat(HubId.parse(path)).as(path).isEqualTo(Optional.empty());
    }
  }

  @Test
  void configComesFromTheEnvironmentWithDefaults() {
    HubConfig defaults = HubConfig.fromEnv(Map.of(), Path.of("/home/u"));
    assertThat(defaults.endpoint()).hasToString("https://huggingface.co");
    assertThat(defaults.modelsRoot()).isEqualTo(Path.of("/home/u/.cache/neuron-explainer/models"));
    assertThat(defaults.token()).isEmpty();

    HubConfig set =
        HubConfig.fromEnv(
            Map.of(
                "HF_ENDPOINT", "https://mirror.example/",
                "HF_TOKEN", "hf_secret",
                "NEURON_EXPLAINER_CACHE", "/data/cache"),
            Path.of("/home/u"));
    assertThat(set.endpoint()).hasToString("https://mirror.example");
    assertThat(set.modelsRoot()).isEqualTo(Path.of("/data/cache/models"));
    assertThat(set.token()).contains("hf_secret");
    assertThat(set.toString()).doesNotContain("hf_secret");
  }
}
