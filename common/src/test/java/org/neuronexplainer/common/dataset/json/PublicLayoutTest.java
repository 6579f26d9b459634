package org.neuronexplainer.common.dataset.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.neuronexplainer.common.dataset.NeuronId;

class PublicLayoutTest {

  @ParameterizedTest
  @CsvSource({
    "data/collated-activations/9/6236.json, NEURON_RECORD, 9, 6236",
    "gpt2_small_data/explanations/11/3071.jsonl, NEURON_SIMULATION_RESULTS, 11, 3071",
    "/x/related-tokens/activation-based/0/5.json, TOKEN_LOOKUP_TABLE_SUMMARY_OF_NEURON, 0, 5",
    "related-tokens/weight-based/47/6399.json, WEIGHT_BASED_SUMMARY_OF_NEURON, 47, 6399",
    "related-neurons/weight-based/9/6236.json, RELATED_NEURONS, 9, 6236"
  })
  void recognisesThePublicLayout(String path, DatasetType type, int layer, int neuron) {
    assertThat(PublicLayout.of(Path.of(path)))
        .contains(new PublicLayout.Place(type, new NeuronId(layer, neuron)));
  }

  @Test
  void ignoresOtherPaths() {
    assertThat(PublicLayout.of(Path.of("explanations/9/6236.json"))).isEmpty();
    assertThat(PublicLayout.of(Path.of("collated-activations/9/6236.jsonl"))).isEmpty();
    assertThat(PublicLayout.of(Path.of("related-neurons/activation-based/9/1.json"))).isEmpty();
    assertThat(PublicLayout.of(Path.of("collated-activations/x/1.json"))).isEmpty();
    assertThat(PublicLayout.of(Path.of("9/6236.json"))).isEmpty();
    assertThat(PublicLayout.of(Path.of("collated-activations/9/99999999999.json"))).isEmpty();
  }
}
