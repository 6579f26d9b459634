package org.neuronexplainer.common.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HubSaeRefTest {

  @Test
  void aReferenceNamesARepositoryAFolderAndARevision() {
    HubSaeRef ref = HubSaeRef.parse("hf:jbloom/GPT2-Small-SAEs-Reloaded/blocks.8.hook_resid_pre");
    assertThat(ref.id()).isEqualTo(new HubId("jbloom/GPT2-Small-SAEs-Reloaded", "main"));
    assertThat(ref.folder()).isEqualTo("blocks.8.hook_resid_pre");
    assertThat(ref.file("cfg.json")).isEqualTo("blocks.8.hook_resid_pre/cfg.json");
    assertThat(ref.defaultName()).isEqualTo("blocks.8.hook_resid_pre");
    assertThat(ref.cacheFolder())
        .isEqualTo("jbloom--GPT2-Small-SAEs-Reloaded/main/blocks.8.hook_resid_pre");
    assertThat(ref).hasToString("hf:jbloom/GPT2-Small-SAEs-Reloaded/blocks.8.hook_resid_pre");

    HubSaeRef deep = HubSaeRef.parse("hf:google/gemma-scope-2b-pt-res/layer_20/width_16k@v1");
    assertThat(deep.id()).isEqualTo(new HubId("google/gemma-scope-2b-pt-res", "v1"));
    assertThat(deep.folder()).isEqualTo("layer_20/width_16k");
    assertThat(deep.defaultName()).isEqualTo("width_16k");
    assertThat(deep).hasToString("hf:google/gemma-scope-2b-pt-res/layer_20/width_16k@v1");

    HubSaeRef root = HubSaeRef.parse("hf:someone/one-sae");
    assertThat(root.folder()).isEmpty();
    assertThat(root.file("cfg.json")).isEqualTo("cfg.json");
    assertThat(root.defaultName()).isEqualTo("one-sae");
  }

  @Test
  void onlyTheHfPrefixMakesAReference() {
    assertThat(HubSaeRef.isRef("hf:a/b/c")).isTrue();
    assertThat(HubSaeRef.isRef("./saes/blocks.8.hook_resid_pre")).isFalse();
    assertThat(HubSaeRef.isRef("jbloom/GPT2-Small-SAEs-Reloaded/blocks.8.hook_resid_pre"))
        .isFalse();
  }

  @Test
  void malformedReferencesAreRefusedWithTheSyntax() {
    for (String bad :
        new String[] {"hf:", "hf:gpt2", "hf:a/../b", "hf:a//b", "hf:a/b/c d", "hf:a/b@", "x"}) {
      assertThatThrownBy(() -> HubSaeRef.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> HubSaeRef.parse("hf:a/b/c d"))
        .hasMessageContaining("hf:owner/repository/folder[@revision]");
  }

  @Test
  void aFolderThatCannotNameTheSaeAsksForAName() {
    assertThat(HubSaeRef.parse("hf:a/b/_res+8").defaultName()).isEqualTo("res-8");
    assertThatThrownBy(() -> HubSaeRef.parse("hf:a/b/" + "x".repeat(101)).defaultName())
        .hasMessageContaining("NAME=hf:a/b/");
  }
}
