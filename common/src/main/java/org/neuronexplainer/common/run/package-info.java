/**
 * A run's records in the store, shared by the coordinator (which writes the spec, plan and status)
 * and the workers (which read the spec to pick backends and write a done marker per neuron). Keys
 * live under {@code runs/{runId}/}; results go to the public layout's keys.
 */
package org.neuronexplainer.common.run;
