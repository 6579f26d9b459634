package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.coordinator.runs.RunNotFoundException;

/** Run records on a store that cannot be listed, as the public https containers are. */
class StoreRunRecordsTest {

  @Test
  void anUnlistableStoreHasNoRunListButAKnownRunStillShowsItsState() {
    InMemoryBlobStore memory = new InMemoryBlobStore();
    new RunRecords(memory).putStatus(new RunStatus("run-x", RunState.FAILED, 4, 1, 2));
    StoreRunRecords runs = new StoreRunRecords(new ReadOnlyUnlistableStore(memory));
    assertThat(runs.live()).isFalse();
    assertThat(runs.list()).isEmpty();
    var view = runs.view("run-x");
    assertThat(view.state()).isEqualTo("failed");
    assertThat(view.progress()).as("done markers cannot be counted").isNull();
    var page = RunPageJson.run(view, false, memory);
    assertThat(page.get("stages")).isEmpty();
    assertThat(page.has("method")).as("no spec was stored").isFalse();
    assertThatThrownBy(() -> runs.view("run-y")).isInstanceOf(RunNotFoundException.class);
    assertThatThrownBy(() -> runs.view("../x")).isInstanceOf(RunNotFoundException.class);
  }
}
