/**
 * Best of k and revision rounds (docs/method.md 16): the excerpts an explanation got wrong ({@link
 * org.neuronexplainer.worker.revise.Disagreements}), what writes a revised explanation from them
 * ({@link org.neuronexplainer.worker.revise.Reviser}), and the rounds one neuron goes through
 * ({@link org.neuronexplainer.worker.revise.Refiner}).
 */
package org.neuronexplainer.worker.revise;
