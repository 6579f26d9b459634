/**
 * The capture benchmark behind {@code bench capture}: times the forward pass alone against the full
 * capture (forward pass plus every neuron's statistics), from empty statistics and continued on
 * statistics that already hold a warm-up, and reports tokens per second and their ratios.
 *
 * <p>{@link CaptureBench} runs the measurement on a loaded model and returns plain {@link Timings};
 * {@link CaptureBenchReport} turns them into the report's lines with no I/O. Each round times every
 * kind of work once, in a rotating order, so that none always follows another's garbage; the best
 * round of each is kept, and the medians of the rounds' own ratios stand beside it for machines
 * whose speed drifts.
 */
package org.neuronexplainer.worker.capture.bench;
