package org.neuronexplainer.worker.score;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.NeuronSimulationResults;
import org.neuronexplainer.common.dataset.ScoredExplanation;
import org.neuronexplainer.common.dataset.SequenceSimulation;
import org.neuronexplainer.worker.records.SliceParams;
import org.neuronexplainer.worker.records.Split;
import org.neuronexplainer.worker.records.Splits;
import org.neuronexplainer.worker.simulate.Simulator;
import org.neuronexplainer.worker.simulate.calibration.Calibration;
import org.neuronexplainer.worker.simulate.calibration.CalibrationMethod;

/**
 * Scores one explanation of one neuron (docs/method.md 4.5, 5.1): fit the calibration on the
 * simulated calibration split, simulate the valid split (top records first, then random ones),
 * calibrate, and score pooled and per sequence. Every sequence of a split is simulated
 * concurrently. If any simulation fails the result fails: a neuron is never scored on made-up
 * zeros.
 */
public final class NeuronScorer {
  private final SliceParams sliceParams;
  private final CalibrationMethod calibrationMethod;

  public NeuronScorer(SliceParams sliceParams, CalibrationMethod calibrationMethod) {
    this.sliceParams = sliceParams;
    this.calibrationMethod = calibrationMethod;
  }

  /** The paper's setting: 5 records per split, linear calibration. */
  public static NeuronScorer paper() {
    return new NeuronScorer(SliceParams.paper(), CalibrationMethod.LINEAR);
  }

  /** {@code explanation} scored on {@code neuron}'s valid split with {@code simulator}. */
  public CompletionStage<ScoredExplanation> score(
      NeuronRecord neuron, String explanation, Simulator simulator) {
    List<ActivationRecord> valid;
    try {
      valid = Splits.records(neuron, Split.VALID, sliceParams);
    } catch (IllegalArgumentException e) {
      // Too few records for the splits: report it through the result like any other failure.
      return CompletableFuture.failedFuture(e);
    }
    return calibration(neuron, explanation, simulator)
        .thenCompose(
            calibration ->
                simulateAll(simulator, explanation, valid)
                    .thenApply(
                        simulations ->
                            new ScoredExplanation(
                                explanation,
                                Scoring.scoreRecords(valid, calibration.applyAll(simulations)))));
  }

  /**
   * Every explanation scored (concurrently), in the given order, as the neuron's explanations file.
   * Fails if any one fails.
   */
  public CompletionStage<NeuronSimulationResults> scoreAll(
      NeuronRecord neuron, List<String> explanations, Simulator simulator) {
    List<CompletableFuture<ScoredExplanation>> scored =
        explanations.stream()
            .map(explanation -> score(neuron, explanation, simulator).toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(scored.toArray(CompletableFuture[]::new))
        .thenApply(done -> results(neuron, scored.stream().map(CompletableFuture::join).toList()));
  }

  /** The explanations file for one neuron. */
  public static NeuronSimulationResults results(
      NeuronRecord neuron, List<ScoredExplanation> scoredExplanations) {
    return new NeuronSimulationResults(neuron.neuronId(), scoredExplanations);
  }

  private CompletionStage<Calibration> calibration(
      NeuronRecord neuron, String explanation, Simulator simulator) {
    if (calibrationMethod == CalibrationMethod.NONE) {
      // Nothing to fit, so the calibration split is not simulated (it would cost calls).
      return CompletableFuture.completedFuture(calibrationMethod.fit(new double[0], new double[0]));
    }
    List<ActivationRecord> records = Splits.records(neuron, Split.CALIBRATION, sliceParams);
    return simulateAll(simulator, explanation, records)
        .thenApply(
            simulations ->
                calibrationMethod.fit(
                    records.stream().map(ActivationRecord::activations).toList(), simulations));
  }

  /** Every record simulated (concurrently, or in groups); the results in record order. */
  static CompletionStage<List<SequenceSimulation>> simulateAll(
      Simulator simulator, String explanation, List<ActivationRecord> records) {
    return simulator.simulateAll(
        explanation, records.stream().map(ActivationRecord::tokens).toList());
  }
}
