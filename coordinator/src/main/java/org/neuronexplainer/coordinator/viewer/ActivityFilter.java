package org.neuronexplainer.coordinator.viewer;

/**
 * Which neurons a search keeps by their activity: a layer range and a density range, both
 * inclusive, and optionally only the dead ones (never above 0 over the corpus). A neuron whose
 * density is unknown passes only when no density bound is set.
 */
record ActivityFilter(
    int minLayer, int maxLayer, double minDensity, double maxDensity, boolean dead) {

  /** Whether this filter asks anything of a neuron's activity, beyond its layer. */
  boolean needsActivity() {
    return dead || minDensity > 0 || maxDensity < 1;
  }

  boolean accepts(NeuronActivity activity) {
    int layer = activity.neuron().layerIndex();
    if (layer < minLayer || layer > maxLayer) {
      return false;
    }
    if (dead && !activity.dead()) {
      return false;
    }
    if (minDensity > 0 || maxDensity < 1) {
      double density = activity.density();
      return !Double.isNaN(density) && density >= minDensity && density <= maxDensity;
    }
    return true;
  }
}
