package org.neuronexplainer.coordinator.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.InMemoryBlobStore;

class RunPlannerTest {

  private static RunSpec spec(String source, String layers, String neurons) {
    return new RunSpec("r1", source, layers, neurons, null, null, null, null, 0);
  }

  private static InMemoryBlobStore store() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    for (int layer = 0; layer < 3; layer++) {
      for (int n = 0; n < 12; n++) {
        store.put("collated-activations/" + layer + "/" + n + ".json", new byte[] {'{', '}'});
      }
    }
    store.put("collated-activations/README.txt", new byte[0]);
    store.put("explanations/0/1.jsonl", new byte[0]);
    return store;
  }

  @Test
  void plansOneNeuronPerRecordWithinTheSelection() {
    RunPlanner planner = new RunPlanner(store());
    assertThat(planner.plan(spec("store", null, null))).hasSize(36);
    assertThat(planner.plan(spec("store", "1-2", "0,10-11")))
        .containsExactly(
            new NeuronId(1, 0),
            new NeuronId(1, 10),
            new NeuronId(1, 11),
            new NeuronId(2, 0),
            new NeuronId(2, 10),
            new NeuronId(2, 11));
  }

  @Test
  void anSaeRunPlansTheLatentsOfItsSaesFolderOnly() {
    InMemoryBlobStore store = store();
    store.put("saes/res-1/collated-activations/1/5.json", new byte[] {'{', '}'});
    store.put("saes/res-1/collated-activations/1/9.json", new byte[] {'{', '}'});
    RunSpec sae = spec("store", null, null).withSae("res-1");
    assertThat(sae.dataset()).isEqualTo("saes/res-1/");
    assertThat(new RunPlanner(store).plan(sae))
        .containsExactly(new NeuronId(1, 5), new NeuronId(1, 9));
    assertThatThrownBy(() -> new RunPlanner(store).plan(spec("store", null, null).withSae("x")))
        .hasMessageContaining("no NeuronRecords under saes/x/collated-activations/");
    assertThatThrownBy(() -> spec("store", null, null).withSae("../up"))
        .hasMessageContaining("malformed SAE name");
  }

  @Test
  void refusesAnEmptyPlan() {
    RunPlanner planner = new RunPlanner(store());
    assertThatThrownBy(() -> planner.plan(spec("store", "7", null)))
        .hasMessageContaining("no NeuronRecords")
        .hasMessageContaining("layers 7");
    assertThatThrownBy(() -> spec("capture", null, null))
        .hasMessageContaining("source=capture needs capture settings");
  }

  @Test
  void specsAreCheckedWhenMade() {
    assertThatThrownBy(() -> new RunSpec("bad id", null, null, null, null, null, null, null, 0))
        .hasMessageContaining("malformed run id 'bad id'");
    assertThatThrownBy(() -> spec("store", "3-1", null)).hasMessageContaining("layers");
    assertThatThrownBy(() -> new RunSpec("r", null, null, null, null, null, null, null, 101))
        .hasMessageContaining("maxAttempts");
    RunSpec defaults = spec(null, null, null);
    assertThat(defaults.maxAttempts()).isEqualTo(3);
    assertThat(defaults.methodVersion()).isEqualTo("v1|baseline|baseline|linear|-");
  }
}
