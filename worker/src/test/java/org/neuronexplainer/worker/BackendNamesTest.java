package org.neuronexplainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import org.neuronexplainer.worker.simulate.calibration.CalibrationMethod;

/** The coordinator refuses a run by the names in RunSpec: they must be the worker's names. */
class BackendNamesTest {

  @Test
  void theRunSpecsNamesAreTheWorkersBackends() {
    assertThat(RunSpec.EXPLAINERS)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(ExplainerKind.values()).map(ExplainerKind::configName).toList());
    assertThat(RunSpec.SIMULATORS)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(SimulatorKind.values()).map(SimulatorKind::configName).toList());
    assertThat(RunSpec.CALIBRATIONS)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(CalibrationMethod.values()).map(CalibrationMethod::configName).toList());
  }
}
