package org.neuronexplainer.common.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetSubjectTest {

  @Test
  void anSaeSubjectSurvivesItsJson() {
    DatasetSubject sae =
        new DatasetSubject(
            DatasetSubject.SAE_LATENTS,
            "models/tiny",
            "GPT2LMHeadModel",
            "res-1",
            "saes/res-1",
            "jumprelu",
            "blocks.1.hook_resid_pre",
            1,
            32,
            100,
            List.of(3, 9));
    DatasetSubject read = DatasetSubject.fromJson(sae.toJson(), "subject.json");
    assertThat(read).isEqualTo(sae);
    assertThat(read.unitName()).isEqualTo("latent");
    assertThat(DatasetSubject.saeFolder("res-1")).isEqualTo("saes/res-1/");
    assertThat(
            new String(
                DatasetSubject.mlpNeurons("gpt2", "GPT2LMHeadModel", 3072, 5).toJson(),
                StandardCharsets.UTF_8))
        .doesNotContain("\"sae\"")
        .contains("\"kind\" : \"mlp-neurons\"");
  }

  @Test
  void badRecordsAndNamesAreRefusedByName() {
    assertThatThrownBy(() -> DatasetSubject.saeFolder("../x"))
        .hasMessageContaining("malformed SAE name");
    assertThatThrownBy(
            () -> DatasetSubject.fromJson("{\"kind\":\"bogus\",\"width\":1}".getBytes(), "s.json"))
        .hasMessageContaining("s.json is not a dataset subject record")
        .hasMessageContaining("bogus");
    assertThatThrownBy(
            () ->
                DatasetSubject.fromJson(
                    "{\"kind\":\"sae-latents\",\"sae\":\"x\",\"width\":4}".getBytes(), "s.json"))
        .hasMessageContaining("hook");
  }
}
