package org.neuronexplainer.cli.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.ExplanationSource;
import org.neuronexplainer.common.run.RunInput;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.explain.Explainer;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.pipeline.Backends;
import org.neuronexplainer.worker.pipeline.ExplainAndScoreHandler;
import org.neuronexplainer.worker.pipeline.StoreNeuronRecords;
import org.neuronexplainer.worker.simulate.Simulator;

/**
 * The explain-and-score handler keeps each run's results under the run and updates the store's
 * explanations view by the run's publish policy, with the view file's source beside it.
 */
class ResultsPerRunTest {

  private final InMemoryBlobStore store = new InMemoryBlobStore();
  private final RunRecords records = new RunRecords(store);
  private NeuronId neuron;

  @BeforeEach
  void neuron() {
    neuron = SyntheticNeurons.write(store, 1).get(0);
  }

  private RunSpec spec(String runId, String calibration, String publish) {
    RunSpec spec =
        new RunSpec(runId, "store", null, null, null, null, calibration, null, 1)
            .withPublish(publish);
    records.putSpec(spec);
    return spec;
  }

  private void run(String runId, Backends backends) {
    new ExplainAndScoreHandler(
            records, new StoreNeuronRecords(store), backends, Duration.ofMinutes(1))
        .run(
            new ExplainAndScoreJob(
                JobHeader.first(runId, 1), neuron, RunRecords.recordKey(neuron)));
  }

  private void run(String runId) {
    run(runId, Backends.withoutModels());
  }

  private byte[] own(String runId) {
    return store.get(RunRecords.runExplanationKey(runId, neuron)).orElseThrow();
  }

  private byte[] view() {
    return store.get(RunRecords.explanationKey(neuron)).orElseThrow();
  }

  private ExplanationSource source() {
    return records.explanationSource(neuron).orElseThrow();
  }

  @Test
  void eachRunKeepsItsOwnResultsAndTheLatestReplacesTheViewWithItsSource() {
    RunSpec first = spec("run-1", "linear", null);
    RunSpec second = spec("run-2", "none", "latest");

    run("run-1");
    byte[] firstResults = own("run-1");
    assertThat(view()).isEqualTo(firstResults);
    assertThat(source().runId()).isEqualTo("run-1");
    assertThat(source().methodVersion()).isEqualTo(first.methodVersion());
    assertThat(source().publish()).isEqualTo("latest");
    assertThat(source().describes(view())).isTrue();
    assertThat(source().writtenMillis()).isPositive();

    run("run-2");
    assertThat(own("run-1")).as("run-1's results after run-2").isEqualTo(firstResults);
    assertThat(view()).isEqualTo(own("run-2"));
    assertThat(source().runId()).isEqualTo("run-2");
    assertThat(source().methodVersion()).isEqualTo(second.methodVersion());
    assertThat(source().score()).isEqualTo(records.done("run-2", neuron).orElseThrow().score());
    assertThat(source().describes(view())).isTrue();
  }

  @Test
  void noneLeavesTheViewAndItsSourceAlone() {
    spec("run-1", "linear", null);
    spec("run-2", "none", "none");
    run("run-1");
    ExplanationSource before = source();
    byte[] shown = view();

    run("run-2");
    assertThat(own("run-2")).isNotEmpty();
    assertThat(view()).isEqualTo(shown);
    assertThat(source()).isEqualTo(before);
    assertThat(records.done("run-2", neuron)).isPresent();
  }

  @Test
  void bestReplacesTheViewOnlyByAHigherScore() {
    spec("run-1", "linear", null);
    spec("run-2", "none", "best");
    run("run-1");
    byte[] shown = view();
    // What the view shows is said to score higher than run-2 can.
    ExplanationSource high =
        new ExplanationSource("run-1", "m", 2.0, "latest", 1L, RunInput.sha256(shown));
    records.putExplanationSource(neuron, high);

    run("run-2");
    assertThat(view()).isEqualTo(shown);
    assertThat(source()).isEqualTo(high);

    records.putExplanationSource(
        neuron, new ExplanationSource("run-1", "m", -2.0, "latest", 1L, RunInput.sha256(shown)));
    store.delete(RunRecords.doneKey("run-2", neuron));
    run("run-2");
    assertThat(view()).isEqualTo(own("run-2"));
    assertThat(source().runId()).isEqualTo("run-2");
    assertThat(source().publish()).isEqualTo("best");
  }

  @Test
  void bestComparesWithTheScoreInAViewFileThatHasNoSource() {
    spec("run-1", "linear", "best");
    run("run-1");
    byte[] results = own("run-1");
    double score = source().score();
    store.delete(RunRecords.explanationSourceKey(neuron));
    store.delete(RunRecords.doneKey("run-1", neuron));
    // An older view file with the same scores but other bytes: not higher, so it stays.
    String other = new String(view(), UTF_8).replace("\"explanation\":\"", "\"explanation\":\"x");
    assertThat(other).isNotEqualTo(new String(results, UTF_8));
    store.put(RunRecords.explanationKey(neuron), other.getBytes(UTF_8));

    run("run-1");
    assertThat(new String(view(), UTF_8)).isEqualTo(other);
    assertThat(records.explanationSource(neuron)).isEmpty();
    assertThat(records.done("run-1", neuron).orElseThrow().score()).isEqualTo(score);
  }

  @Test
  void aCrashBetweenTheViewAndItsSourceIsMendedByTheRedo() {
    spec("run-1", "linear", null);
    spec("run-2", "linear", "best");
    run("run-1");
    // run-2 wrote the same bytes to the view and died before the source and the marker.
    ExplanationSource stale =
        new ExplanationSource("run-0", "m", 0.1, "latest", 1L, RunInput.sha256(new byte[0]));
    records.putExplanationSource(neuron, stale);

    run("run-2");
    assertThat(source().runId()).isEqualTo("run-2");
    assertThat(source().describes(view())).isTrue();
  }

  @Test
  void aNeuronThatFailsInALaterRunLeavesTheViewNamingTheEarlierRun() {
    spec("run-1", "linear", null);
    spec("run-2", "none", "latest");
    run("run-1");
    byte[] shown = view();
    ExplanationSource before = source();

    assertThatThrownBy(() -> run("run-2", new Broken())).isInstanceOf(RuntimeException.class);
    assertThat(store.get(RunRecords.runExplanationKey("run-2", neuron))).isEmpty();
    assertThat(records.done("run-2", neuron)).isEmpty();
    assertThat(view()).isEqualTo(shown);
    assertThat(source()).isEqualTo(before);
    assertThat(source().runId()).isEqualTo("run-1");
  }

  @Test
  void anUnknownPolicyFailsTheNeuronForGoodBeforeItIsExplained() {
    spec("run-1", "linear", "newest");
    assertThatThrownBy(() -> run("run-1"))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("unknown publish policy \"newest\"");
    assertThat(store.list("runs/run-1/explanations/")).isEmpty();
    assertThat(store.exists(RunRecords.explanationKey(neuron))).isFalse();
  }

  /** The baseline backends with an explainer whose endpoint is gone. */
  private static final class Broken implements Backends {
    @Override
    public Explainer explainer(RunSpec spec) {
      return (input, llm) ->
          CompletableFuture.failedFuture(new PermanentException("endpoint refused the request"));
    }

    @Override
    public Simulator simulator(RunSpec spec) {
      return Backends.withoutModels().simulator(spec);
    }

    @Override
    public LlmTransport transport(RunSpec spec) {
      return LlmTransport.none();
    }
  }
}
