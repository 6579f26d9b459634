/**
 * Runs: planning a spec into neurons, the run records in the store, submit, requeue, cancel and the
 * settle rule (a run whose neurons are all done or failed becomes succeeded or failed). Blocking
 * code; the HTTP edge calls it through executeBlocking.
 */
package org.neuronexplainer.coordinator.runs;
