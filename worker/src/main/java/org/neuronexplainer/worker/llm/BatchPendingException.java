package org.neuronexplainer.worker.llm;

import org.neuronexplainer.common.messaging.DroppedJobException;

/**
 * A batch-priced call whose answer does not exist yet: the call is parked in the store for the
 * batcher, and the job that made it ends without failing (it is dropped, like a job of a paused
 * run) so that it never holds a consumer while the batch is out. The batcher re-queues the neuron
 * once every call it parked on is answered; the job then finds the answers in the response cache.
 */
public final class BatchPendingException extends DroppedJobException {

  private final String key;

  public BatchPendingException(String key, String neuron) {
    super("neuron " + neuron + " parked until its batch answers call " + key);
    this.key = key;
  }

  /** The parked call's cache key. */
  public String key() {
    return key;
  }
}
