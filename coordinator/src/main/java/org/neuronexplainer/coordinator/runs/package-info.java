/**
 * Runs: planning a spec into neurons, the run records in the store, submit, requeue, cancel and the
 * settle rule (a run whose neurons are all done or failed becomes succeeded or failed). Blocking
 * code; the HTTP edge calls it through executeBlocking.
 *
 * <p>Capture runs ({@code source=capture}): {@link
 * org.neuronexplainer.coordinator.runs.CapturePlan} cuts the work by layer range and corpus shard
 * (capture) and by neuron block (collate), from the model's shape ({@link
 * org.neuronexplainer.coordinator.runs.ModelShape}, read from {@code config.json}); {@code
 * CaptureRuns} publishes the capture jobs on submit and each range's collate jobs once the events
 * show all its shards captured. Both steps leave run records ({@code capture-plan.json}, {@code
 * published/...}), so a restarted coordinator resumes without losing or repeating one. A spec the
 * model cannot satisfy is refused before anything is written.
 */
package org.neuronexplainer.coordinator.runs;
