/**
 * Scoring a simulation against real activations (docs/method.md 5): correlation, "rsquared" and
 * absolute deviation explained, per sequence and pooled over the concatenation of all sequences,
 * plus the offline all/top/random rescoring of stored results.
 *
 * <p>Undefined scores are NaN (null in the files): a constant or empty vector for the correlation,
 * a zero denominator for the others. The top/random breakdown relies on the split order of {@code
 * worker.records}: top sequences first.
 */
package org.neuronexplainer.worker.score;
