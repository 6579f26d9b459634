package org.neuronexplainer.worker.simulate.calibration;

import java.util.List;
import org.neuronexplainer.common.dataset.ActivationScale;
import org.neuronexplainer.common.dataset.SequenceSimulation;

/**
 * A fitted map from the simulator's 0..10 scale to the neuron's real units (docs/method.md 4.5).
 *
 * <p>Applied to a simulation it maps the expected activations and every token's distribution values
 * (probabilities are unchanged), labels the result {@code neuron_activations} and nests the raw
 * simulation in {@code uncalibrated_simulation}. {@link NoCalibration} is the exception: it returns
 * the simulation untouched.
 */
public sealed interface Calibration
    permits LinearCalibration, PercentileCalibration, NoCalibration {

  /** One simulator value in neuron units. */
  double map(double simulated);

  /** {@code simulation} in neuron units, with the raw simulation nested inside. */
  default SequenceSimulation apply(SequenceSimulation simulation) {
    if (simulation.uncalibratedSimulation() != null) {
      throw new IllegalArgumentException(
          "the simulation is already calibrated; calibrate its uncalibrated_simulation instead");
    }
    return new SequenceSimulation(
        simulation.tokens(),
        mapAll(simulation.expectedActivations()),
        ActivationScale.NEURON_ACTIVATIONS,
        simulation.distributionValues().stream().map(this::mapAll).toList(),
        simulation.distributionProbabilities(),
        simulation);
  }

  /** {@link #apply} to each simulation. */
  default List<SequenceSimulation> applyAll(List<SequenceSimulation> simulations) {
    return simulations.stream().map(this::apply).toList();
  }

  private double[] mapAll(double[] values) {
    double[] mapped = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      mapped[i] = map(values[i]);
    }
    return mapped;
  }
}
