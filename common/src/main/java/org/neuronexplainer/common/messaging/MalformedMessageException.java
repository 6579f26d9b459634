package org.neuronexplainer.common.messaging;

/** A message that cannot be read: not JSON, the wrong shape, or a schema version too new. */
public class MalformedMessageException extends PermanentException {

  public MalformedMessageException(String message) {
    super(message);
  }

  public MalformedMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
