package org.neuronexplainer.worker.capture.safetensors;

/** A safetensors file that cannot be read or written as asked; the message names the problem. */
public class SafetensorsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SafetensorsException(String message) {
    super(message);
  }

  public SafetensorsException(String message, Throwable cause) {
    super(message, cause);
  }
}
