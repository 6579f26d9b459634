package org.neuronexplainer.common.dataset;

/** The units of a simulation's expected activations. */
public enum ActivationScale {
  /** Real neuron units, after calibration. */
  NEURON_ACTIVATIONS("neuron_activations"),
  /** The simulator's own 0..10 scale. */
  SIMULATED_NORMALIZED_ACTIVATIONS("simulated_normalized_activations");

  private final String jsonValue;

  ActivationScale(String jsonValue) {
    this.jsonValue = jsonValue;
  }

  /** The string the dataset files store. */
  public String jsonValue() {
    return jsonValue;
  }

  /** The scale a stored string names, or an exception that lists the valid ones. */
  public static ActivationScale fromJson(String value) {
    for (ActivationScale scale : values()) {
      if (scale.jsonValue.equals(value)) {
        return scale;
      }
    }
    throw new IllegalArgumentException(
        "unknown activation_scale \""
            + value
            + "\" (expected \"neuron_activations\" or \"simulated_normalized_activations\")");
  }
}
