/**
 * Weight-based summaries (docs/method.md 11): input and output token weights and
 * upstream/downstream neuron connections, from whole-layer matrix products computed by the model's
 * owner ({@link org.neuronexplainer.worker.capture.Gpt2Model#weightProduct}) and reduced to top-k
 * lists with primitive arrays. Ties are broken by the lower token id or neuron name.
 */
package org.neuronexplainer.worker.capture.weights;
