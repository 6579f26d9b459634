package org.neuronexplainer.worker.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.run.RunEstimate;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.worker.TestNeurons;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.texts.PromptInputs;

/** {@code run --dry-run} counts a multi-sequence simulator's calls as it groups them. */
class GroupedSimulationEstimateTest {
  private static RunSpec spec(String simulator) {
    return new RunSpec("r", "store", null, null, "baseline", simulator, "linear", "m", 3);
  }

  private static RunEstimate estimate(String simulator) {
    RunEstimator.Tally tally =
        new RunEstimator(LlmConfig.fromEnv(Map.of("LLM_MODEL", "m")), 0)
            .tally(spec(simulator), PromptInputs.defaults());
    tally.add(TestNeurons.canada());
    return tally.result();
  }

  @Test
  void jsonMultiCountsTwoCallsPerSplitWhereJsonCountsTen() {
    RunEstimate json = estimate("json");
    RunEstimate multi = estimate("json-multi");

    // Calibration and valid split, 10 sequences each.
    assertThat(json.simulationCalls()).isEqualTo(20);
    assertThat(multi.simulationCalls()).isEqualTo(4);
    assertThat(multi.exact()).isTrue();
    assertThat(multi.promptTokens()).isLessThan(json.promptTokens());
  }

  @Test
  void itsResultsGoUnderTheirOwnMethodName() {
    assertThat(spec("json-multi").methodVersion())
        .isNotEqualTo(spec("json").methodVersion())
        .isNotEqualTo(spec("all-at-once").methodVersion())
        .contains("json-multi");
  }
}
