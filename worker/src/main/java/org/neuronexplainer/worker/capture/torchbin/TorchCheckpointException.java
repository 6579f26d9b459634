package org.neuronexplainer.worker.capture.torchbin;

/** A pytorch_model.bin that this reader cannot or will not read; the message names the problem. */
public class TorchCheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TorchCheckpointException(String message) {
    super(message);
  }

  public TorchCheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
