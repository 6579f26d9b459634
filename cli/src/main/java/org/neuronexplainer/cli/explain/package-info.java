/**
 * The commands that talk to an explainer or simulator model directly, outside the pipeline: {@code
 * explain-neuron} (explain, simulate and score one neuron) and {@code prompt} (print the requests
 * without sending them), with the LLM options that {@code run} shares.
 */
package org.neuronexplainer.cli.explain;
