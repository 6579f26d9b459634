package org.neuronexplainer.worker.capture.corpus;

/** A corpus file that cannot be read or parsed; the message names the file (and line). */
public class CorpusException extends RuntimeException {
  public CorpusException(String message) {
    super(message);
  }

  public CorpusException(String message, Throwable cause) {
    super(message, cause);
  }
}
