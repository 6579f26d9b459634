package org.neuronexplainer.common.hub;

/** A hub model that could not be downloaded; the message says why and what to do. */
public class HubException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HubException(String message) {
    super(message);
  }

  public HubException(String message, Throwable cause) {
    super(message, cause);
  }
}
