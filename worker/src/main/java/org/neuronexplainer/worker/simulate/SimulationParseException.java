package org.neuronexplainer.worker.simulate;

/**
 * A simulator response that does not fit the sequence it was asked about: it misaligns with the
 * tokens, lacks the logprobs, or fails the JSON validation. Such a response is retried a bounded
 * number of times and then fails the neuron; it is never recorded as zeros.
 */
public class SimulationParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SimulationParseException(String message) {
    super(message);
  }

  public SimulationParseException(String message, Throwable cause) {
    super(message, cause);
  }
}
