package org.neuronexplainer.cli.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.messaging.ExplainAndScoreJob;
import org.neuronexplainer.common.messaging.JobHeader;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.pipeline.Backends;
import org.neuronexplainer.worker.pipeline.ExplainAndScoreHandler;
import org.neuronexplainer.worker.pipeline.StoreNeuronRecords;

/** A neuron redone after a crash between its results and its done marker. */
class ResultsWrittenOnceTest {

  @TempDir Path dir;

  @Test
  void aRedoWritesTheSameResultsOnlyOnceAndDifferentResultsAgain() throws Exception {
    InMemoryBlobStore memory = new InMemoryBlobStore();
    NeuronId neuron = SyntheticNeurons.write(memory, 1).get(0);
    Path audit = dir.resolve("audit");
    // Every explanations file: the run's own (runs/run-1/explanations/) and the view's.
    AuditedStore store = new AuditedStore(memory, audit, "");
    RunRecords records = new RunRecords(store);
    records.putSpec(new RunSpec("run-1", "store", null, null, null, null, null, null, 3));
    ExplainAndScoreHandler handler =
        new ExplainAndScoreHandler(
            records,
            new StoreNeuronRecords(store),
            Backends.withoutModels(),
            Duration.ofMinutes(1));
    ExplainAndScoreJob job =
        new ExplainAndScoreJob(JobHeader.first("run-1", 3), neuron, RunRecords.recordKey(neuron));
    String own = RunRecords.runExplanationKey("run-1", neuron);
    String view = RunRecords.explanationKey(neuron);

    handler.run(job);
    byte[] results = memory.get(own).orElseThrow();
    assertThat(memory.get(view)).hasValue(results);
    assertThat(handler.outputExists(job)).isTrue();
    // The crash: results written, marker not.
    memory.delete(RunRecords.doneKey("run-1", neuron));
    assertThat(handler.outputExists(job)).isFalse();
    handler.run(job);
    assertThat(handler.outputExists(job)).isTrue();
    assertThat(AuditedStore.count(List.of(audit)))
        .containsEntry(own, 1)
        .containsEntry(view, 1)
        .containsEntry(RunRecords.explanationSourceKey(neuron), 1);

    // Other bytes under the keys (an older method's results): written anew.
    memory.put(own, "{}\n".getBytes(UTF_8));
    memory.put(view, "{}\n".getBytes(UTF_8));
    memory.delete(RunRecords.doneKey("run-1", neuron));
    handler.run(job);
    assertThat(AuditedStore.count(List.of(audit))).containsEntry(own, 2).containsEntry(view, 2);
    assertThat(memory.get(own).orElseThrow()).isEqualTo(results);
    assertThat(memory.get(view).orElseThrow()).isEqualTo(results);
  }
}
