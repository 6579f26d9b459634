/**
 * The results of the classification scorers, detection and fuzzing (docs/method.md 15): what the
 * scorer model was shown, what it answered, and the metrics derived from those answers. They live
 * in common because the worker writes them, and the viewer and {@code rescore} read them.
 *
 * <p>Metrics are a pure function of the stored excerpts' labels, answers and probabilities ({@link
 * ClassificationMetrics#of}), so a stored file can always be recomputed; a value the answers leave
 * undefined (one class only, nothing predicted positive, no probabilities) is null, never 0.
 */
package org.neuronexplainer.common.classify;
