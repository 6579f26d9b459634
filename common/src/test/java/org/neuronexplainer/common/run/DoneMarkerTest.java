package org.neuronexplainer.common.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.InMemoryBlobStore;

/** The done marker: scores by scorer only for runs with classification scorers. */
class DoneMarkerTest {

  private final InMemoryBlobStore store = new InMemoryBlobStore();
  private final RunRecords records = new RunRecords(store);
  private final NeuronId neuron = new NeuronId(2, 7);

  private String stored() {
    return new String(
        store.get(RunRecords.doneKey("r", neuron)).orElseThrow(), StandardCharsets.UTF_8);
  }

  @Test
  void aMarkerWithoutScoresByScorerKeepsItsBytes() {
    records.putDone(neuron, new RunRecords.DoneMarker("r", "m", 0.5));

    assertThat(stored()).isEqualTo("{\"runId\":\"r\",\"methodVersion\":\"m\",\"score\":0.5}");
  }

  @Test
  void anOlderMarkerReadsWithoutScoresByScorer() {
    store.put(
        RunRecords.doneKey("r", neuron),
        "{\"runId\":\"r\",\"methodVersion\":\"m\",\"score\":0.25}"
            .getBytes(StandardCharsets.UTF_8));

    RunRecords.DoneMarker marker = records.done("r", neuron).orElseThrow();

    assertThat(marker.score()).isEqualTo(0.25);
    assertThat(marker.scores()).isNull();
  }

  @Test
  void scoresByScorerRoundTripSortedWithUndefinedOnesNull() {
    Map<String, Double> scores = new HashMap<>();
    scores.put("simulation", 0.5);
    scores.put("fuzzing", null);
    scores.put("detection", 0.75);
    records.putDone(neuron, new RunRecords.DoneMarker("r", "m", 0.5, scores));

    assertThat(stored())
        .isEqualTo(
            "{\"runId\":\"r\",\"methodVersion\":\"m\",\"score\":0.5,"
                + "\"scores\":{\"detection\":0.75,\"fuzzing\":null,\"simulation\":0.5}}");
    assertThat(records.done("r", neuron).orElseThrow().scores()).isEqualTo(scores);
  }
}
