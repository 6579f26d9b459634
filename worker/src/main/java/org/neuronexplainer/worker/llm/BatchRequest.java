package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One call waiting for a batch, as the store keeps it ({@link BatchStore}): everything the batcher
 * needs to send it, and one neuron that waits for its answer (neurons making the same call each
 * have their own).
 *
 * @param key the call's response-cache key, which is also its {@code custom_id} in the batch file
 * @param endpoint the endpoint's path below the API base ({@code chat/completions} or {@code
 *     completions})
 * @param body the request body as the synchronous call would send it, {@code model} included
 * @param runId the run whose neuron parked on this call
 * @param neuron the neuron ({@code layer:index}) that parked on it
 * @param sends how many batches this call was sent in already (an expired or failed batch sends its
 *     unanswered calls again, a few times at most)
 * @param requestedMillis when the call was first parked
 */
public record BatchRequest(
    String key,
    String endpoint,
    ObjectNode body,
    String runId,
    String neuron,
    int sends,
    long requestedMillis) {

  public BatchRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(neuron, "neuron");
  }

  /** The same call, sent once more. */
  BatchRequest sentAgain() {
    return new BatchRequest(key, endpoint, body, runId, neuron, sends + 1, requestedMillis);
  }
}
