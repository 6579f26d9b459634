package org.neuronexplainer.worker.simulate.calibration;

import org.neuronexplainer.common.dataset.SequenceSimulation;

/**
 * No calibration: simulations keep their 0..10 values and stay labelled {@code
 * simulated_normalized_activations} with no nested raw simulation.
 *
 * <p>The original's uncalibrated wrapper labels its unchanged output {@code neuron_activations} and
 * nests a copy of it (docs/method.md 4.5, 13.8). That label is false, and readers use it to decide
 * whether rsquared and absolute-dev scores mean anything, so this keeps the honest one.
 */
public record NoCalibration() implements Calibration {

  @Override
  public double map(double simulated) {
    return simulated;
  }

  @Override
  public SequenceSimulation apply(SequenceSimulation simulation) {
    return simulation;
  }
}
