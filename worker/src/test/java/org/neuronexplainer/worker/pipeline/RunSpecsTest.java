package org.neuronexplainer.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.messaging.DroppedJobException;
import org.neuronexplainer.common.messaging.PermanentException;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.run.RunState;
import org.neuronexplainer.common.run.RunStatus;
import org.neuronexplainer.common.storage.InMemoryBlobStore;

class RunSpecsTest {

  @Test
  void aJobOfARunTheStoreDoesNotHoldIsDroppedNotFailed() {
    RunSpecs specs = new RunSpecs(new RunRecords(new InMemoryBlobStore()), () -> 0L);
    assertThatThrownBy(() -> specs.spec("run-elsewhere"))
        .isInstanceOf(DroppedJobException.class)
        .hasMessageContaining("no spec for run run-elsewhere");
  }

  @Test
  void aJobOfAnInterruptedRunIsDroppedAndOfACancelledOneFailed() {
    RunRecords records = new RunRecords(new InMemoryBlobStore());
    records.putStatus(new RunStatus("stopped", RunState.INTERRUPTED, 3, 1L, 2L));
    records.putStatus(new RunStatus("cancelled", RunState.CANCELLED, 3, 1L, 2L));
    RunSpecs specs = new RunSpecs(records, () -> 0L);
    assertThatThrownBy(() -> specs.requireActive("stopped"))
        .isInstanceOf(DroppedJobException.class)
        .hasMessageContaining("interrupted");
    assertThatThrownBy(() -> specs.requireActive("cancelled"))
        .isInstanceOf(PermanentException.class);
  }

  @Test
  void aResumedRunsJobsAreTakenAtOnceThoughItWasReadStoppedAMomentBefore() {
    RunRecords records = new RunRecords(new InMemoryBlobStore());
    RunStatus interrupted = new RunStatus("r", RunState.INTERRUPTED, 3, 1L, 2L);
    records.putStatus(interrupted);
    RunSpecs specs = new RunSpecs(records, () -> 0L); // the clock never moves: no expiry
    assertThatThrownBy(() -> specs.requireActive("r")).isInstanceOf(DroppedJobException.class);

    records.putStatus(interrupted.resumed(3L));

    assertThatCode(() -> specs.requireActive("r")).doesNotThrowAnyException();
  }
}
