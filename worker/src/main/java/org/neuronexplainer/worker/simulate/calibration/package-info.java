/**
 * Calibration of simulations into neuron units (docs/method.md 4.5): fit a map on the calibration
 * split, apply it to the valid split's simulations before scoring.
 *
 * <p>A method ({@link org.neuronexplainer.worker.simulate.calibration.CalibrationMethod}) fits a
 * {@link org.neuronexplainer.worker.simulate.calibration.Calibration} from concatenated true
 * activations and EVs; the calibration maps EVs and distribution values and nests the raw
 * simulation. Uncalibrated output keeps its honest {@code simulated_normalized_activations} label.
 */
package org.neuronexplainer.worker.simulate.calibration;
