package org.neuronexplainer.worker.fewshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationRecord;

class FewShotSetTest {

  @Test
  void theExplanationSetHasThreeNeuronsWithTwoRecordsEach() {
    FewShotExamples set = FewShotSet.EXPLANATION.examples();

    assertThat(set.examples()).hasSize(3);
    assertThat(set.examples()).allSatisfy(example -> assertThat(example.records()).hasSize(2));
    assertThat(set.singleTokenExample()).isNull();
  }

  @Test
  void theSimulationSetHasASingleTokenExample() {
    FewShotExamples set = FewShotSet.SIMULATION.examples();

    assertThat(set.examples()).hasSize(2);
    FewShotExample single = set.singleTokenExample();
    assertThat(single).isNotNull();
    ActivationRecord record = single.records().get(0);
    assertThat(record.tokens().get(single.tokenIndexToScore())).isEqualTo(" donate");
    // A stronger token comes after the scored one: the model must not see the future.
    assertThat(record.maxActivation()).isGreaterThan(record.activation(single.tokenIndexToScore()));
  }

  @Test
  void eachExampleFiresSomewhere() {
    for (FewShotSet set : FewShotSet.values()) {
      assertThat(set.examples().examples())
          .allSatisfy(
              example ->
                  assertThat(example.records())
                      .anySatisfy(record -> assertThat(record.maxActivation()).isPositive()));
    }
  }

  @Test
  void aRevealedIndexOutsideItsRecordIsRejected() throws Exception {
    String json =
        "{\"examples\": [{\"explanation\": \"x\", \"records\": [{\"tokens\": [\"a\"],"
            + " \"activations\": [1.0]}], \"first_revealed_activation_indices\": [3]}]}";

    assertThatThrownBy(() -> FewShotSet.parse(new ObjectMapper().readTree(json)))
        .hasMessageContaining("first revealed index 3 is outside");
  }

  @Test
  void mismatchedTokensAndActivationsAreRejected() throws Exception {
    String json =
        "{\"examples\": [{\"explanation\": \"x\", \"records\": [{\"tokens\": [\"a\", \"b\"],"
            + " \"activations\": [1.0]}], \"first_revealed_activation_indices\": [0]}]}";

    assertThatThrownBy(() -> FewShotSet.parse(new ObjectMapper().readTree(json)))
        .hasMessageContaining("differ in length");
  }
}
