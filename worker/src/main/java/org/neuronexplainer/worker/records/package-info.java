/**
 * Which activation records a stage sees and on what scale: the train/calibration/valid/test splits
 * of a neuron's top and random pools, and the 0..10 discretization (docs/method.md 2.2, 3.1).
 *
 * <p>Pure functions of their inputs. Split contents are always the top part followed by the random
 * part; scoring's top/random breakdown and the viewer depend on that order.
 */
package org.neuronexplainer.worker.records;
