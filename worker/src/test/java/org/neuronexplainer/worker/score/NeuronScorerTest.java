package org.neuronexplainer.worker.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.ScoredSequenceSimulation;
import org.neuronexplainer.worker.TestNeurons;
import org.neuronexplainer.worker.explain.BaselineExplainer;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.Explanation;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.records.SliceParams;
import org.neuronexplainer.worker.records.Split;
import org.neuronexplainer.worker.records.Splits;
import org.neuronexplainer.worker.simulate.BaselineSimulator;
import org.neuronexplainer.worker.simulate.SimulationParseException;
import org.neuronexplainer.worker.simulate.Simulator;
import org.neuronexplainer.worker.simulate.SimulatorKind;
import org.neuronexplainer.worker.simulate.calibration.CalibrationMethod;

class NeuronScorerTest {
  private static final NeuronRecord NEURON = TestNeurons.canada();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String baselineExplanation() {
    List<Explanation> explanations =
        new BaselineExplainer()
            .explain(ExplainerInput.of(NEURON), LlmTransport.none())
            .toCompletableFuture()
            .join();
    return explanations.get(0).text();
  }

  @Test
  void baselineExplainerAndSimulatorScoreAFocusedNeuronHighWithoutANetwork() {
    ScoredExplanation scored =
        NeuronScorer.paper()
            .score(NEURON, baselineExplanation(), new BaselineSimulator())
            .toCompletableFuture()
            .join();

    assertThat(scored.explanation()).isEqualTo("the token \" Canada\"");
    assertThat(scored.score()).isGreaterThan(0.9);
    List<ScoredSequenceSimulation> sequences =
        scored.scoredSimulation().scoredSequenceSimulations();
    assertThat(sequences).hasSize(10);
    // Valid split, top records first: the viewer reads [0, 5) as top and [5, 10) as random.
    List<ActivationRecord> valid = Splits.records(NEURON, Split.VALID, SliceParams.paper());
    for (int i = 0; i < 10; i++) {
      assertThat(sequences.get(i).trueActivations()).isEqualTo(valid.get(i).activations());
      assertThat(sequences.get(i).simulation().tokens()).isEqualTo(valid.get(i).tokens());
    }
    // Linear calibration: real units, with the raw 0..10 simulation nested.
    assertThat(sequences.get(0).simulation().activationScale())
        .isEqualTo(ActivationScale.NEURON_ACTIVATIONS);
    assertThat(sequences.get(0).simulation().uncalibratedSimulation().activationScale())
        .isEqualTo(ActivationScale.SIMULATED_NORMALIZED_ACTIVATIONS);
    // Calibrated, the scale-dependent scores become meaningful too.
    assertThat(scored.scoredSimulation().rsquaredScore()).isGreaterThan(0.5);

    NeuronSimulationResults results = NeuronScorer.results(NEURON, List.of(scored));
    assertThat(results.neuronId()).isEqualTo(NEURON.neuronId());
  }

  @Test
  void scoreAllKeepsTheOrderOfTheExplanations() {
    NeuronSimulationResults results =
        NeuronScorer.paper()
            .scoreAll(
                NEURON,
                List.of("the token \" river\"", baselineExplanation()),
                new BaselineSimulator())
            .toCompletableFuture()
            .join();

    assertThat(results.scoredExplanations())
        .extracting(ScoredExplanation::explanation)
        .containsExactly("the token \" river\"", "the token \" Canada\"");
    assertThat(results.scoredExplanations().get(1).score()).isGreaterThan(0.9);
  }

  @Test
  void tooFewRecordsFailTheResult() {
    NeuronRecord small =
        new NeuronRecord(
            NEURON.neuronId(),
            NEURON.randomSample().subList(0, 3),
            null,
            null,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            NEURON.mostPositiveActivationRecords());

    assertThatThrownBy(
            () ->
                NeuronScorer.paper()
                    .score(small, "x", new BaselineSimulator())
                    .toCompletableFuture()
                    .join())
        .hasRootCauseMessage(
            "the random pool (random_sample) has 3 records, but 5 per split for its 3 splits"
                + " needs 15");
  }

  @Test
  void theJsonSimulatorRunsThroughATransport() {
    // A scripted model: reads the target object and answers 10 for " Canada", 0 elsewhere.
    LlmTransport scripted =
        request -> {
          try {
            var messages = request.body().get("messages");
            var target =
                JSON.readTree(messages.get(messages.size() - 1).get("content").textValue());
            var answer = (ObjectNode) target;
            for (var item : answer.withArray("activations")) {
              boolean canada = item.get("token").textValue().equals(" Canada");
              ((ObjectNode) item).put("activation", canada ? 10 : 0);
            }
            var response = JSON.createObjectNode();
            response
                .putArray("choices")
                .addObject()
                .putObject("message")
                .put("content", answer.toString());
            return CompletableFuture.completedFuture(response);
          } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
          }
        };
    Simulator json = SimulatorKind.JSON.create("m", scripted);

    ScoredExplanation scored =
        NeuronScorer.paper().score(NEURON, "mentions of Canada", json).toCompletableFuture().join();

    assertThat(scored.score()).isGreaterThan(0.9);
    assertThat(scored.scoredSimulation().scoredSequenceSimulations()).hasSize(10);
  }

  @Test
  void aWrongExplanationScoresLow() {
    ScoredExplanation scored =
        NeuronScorer.paper()
            .score(NEURON, "the token \" river\"", new BaselineSimulator())
            .toCompletableFuture()
            .join();

    assertThat(scored.score()).isLessThan(0.3);
  }

  @Test
  void withoutCalibrationOnlyTheValidSplitIsSimulated() {
    AtomicInteger calls = new AtomicInteger();
    BaselineSimulator baseline = new BaselineSimulator();
    Simulator counting =
        (explanation, tokens) -> {
          calls.incrementAndGet();
          return baseline.simulate(explanation, tokens);
        };

    ScoredExplanation scored =
        new NeuronScorer(SliceParams.paper(), CalibrationMethod.NONE)
            .score(NEURON, baselineExplanation(), counting)
            .toCompletableFuture()
            .join();

    assertThat(calls).hasValue(10);
    assertThat(
            scored
                .scoredSimulation()
                .scoredSequenceSimulations()
                .get(0)
                .simulation()
                .activationScale())
        .isEqualTo(ActivationScale.SIMULATED_NORMALIZED_ACTIVATIONS);
    assertThat(scored.score()).isGreaterThan(0.9);
  }

  @Test
  void linearCalibrationSimulatesTheCalibrationSplitFirst() {
    AtomicInteger calls = new AtomicInteger();
    BaselineSimulator baseline = new BaselineSimulator();
    Simulator counting =
        (explanation, tokens) -> {
          calls.incrementAndGet();
          return baseline.simulate(explanation, tokens);
        };

    NeuronScorer.paper()
        .score(NEURON, baselineExplanation(), counting)
        .toCompletableFuture()
        .join();

    assertThat(calls).hasValue(20);
  }

  @Test
  void aFailedSimulationFailsTheScoreInsteadOfCountingAsZeros() {
    BaselineSimulator baseline = new BaselineSimulator();
    AtomicInteger calls = new AtomicInteger();
    Simulator flaky =
        (explanation, tokens) ->
            calls.incrementAndGet() == 13
                ? CompletableFuture.failedFuture(new SimulationParseException("bad reply"))
                : baseline.simulate(explanation, tokens);

    CompletableFuture<ScoredExplanation> result =
        NeuronScorer.paper().score(NEURON, baselineExplanation(), flaky).toCompletableFuture();

    assertThatThrownBy(result::join).hasRootCauseInstanceOf(SimulationParseException.class);
  }
}
