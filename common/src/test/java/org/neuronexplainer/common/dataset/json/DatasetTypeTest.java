package org.neuronexplainer.common.dataset.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronRecord;

class DatasetTypeTest {

  @Test
  void infersTypesFromExactKeySets() {
    assertThat(DatasetType.inferFromKeys(Set.of("tokens", "activations")))
        .contains(DatasetType.ACTIVATION_RECORD);
    assertThat(DatasetType.inferFromKeys(Set.of("tokens", "strengths", "dataclass_name")))
        .contains(DatasetType.TOKENS_AND_WEIGHTS);
    assertThat(DatasetType.inferFromKeys(Set.of("c_fc", "c_proj")))
        .contains(DatasetType.RELATED_NEURONS);
  }

  @Test
  void infersTheOnlyTypeWhoseRequiredKeysArePresent() {
    assertThat(DatasetType.inferFromKeys(Set.of("neuron_id", "mean")))
        .contains(DatasetType.NEURON_RECORD);
    assertThat(DatasetType.inferFromKeys(Set.of("neuron_id", "scored_explanations")))
        .contains(DatasetType.NEURON_SIMULATION_RESULTS);
    assertThat(DatasetType.inferFromKeys(Set.of("scored_sequence_simulations")))
        .contains(DatasetType.SCORED_SIMULATION);
  }

  @Test
  void infersNothingFromPartialOrForeignKeys() {
    assertThat(DatasetType.inferFromKeys(Set.of("tokens"))).isEmpty();
    assertThat(DatasetType.inferFromKeys(Set.of("neuron_id", "stddev"))).isEmpty();
    assertThat(DatasetType.inferFromKeys(Set.of())).isEmpty();
  }

  @Test
  void listsFileTypesAndMarkers() {
    assertThat(DatasetType.values())
        .filteredOn(DatasetType::isFileType)
        .containsExactlyInAnyOrder(
            DatasetType.NEURON_RECORD,
            DatasetType.NEURON_SIMULATION_RESULTS,
            DatasetType.TOKEN_LOOKUP_TABLE_SUMMARY_OF_NEURON,
            DatasetType.WEIGHT_BASED_SUMMARY_OF_NEURON,
            DatasetType.RELATED_NEURONS);
    assertThat(DatasetType.fromMarker("NeuronRecord")).contains(DatasetType.NEURON_RECORD);
    assertThat(DatasetType.fromMarker("RelatedNeurons")).isEmpty();
    assertThat(DatasetType.forClass(NeuronRecord.class)).contains(DatasetType.NEURON_RECORD);
    assertThat(DatasetType.RELATED_NEURONS.displayName()).isEqualTo("RelatedNeurons");
  }
}
