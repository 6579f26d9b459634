package org.neuronexplainer.worker.llm;

import java.util.List;
import java.util.Objects;

/**
 * One batch as the store keeps it ({@link BatchStore#batchKey}): what the provider knows it by, the
 * calls it carries (whole, so that an expired or failed batch can send its unanswered ones again
 * after any restart), and its state.
 *
 * @param id the provider's batch id
 * @param inputFileId the uploaded JSONL file
 * @param endpoint the endpoint path every line of the file posts to
 * @param state the provider's last reported status ({@code validating}, {@code in_progress}, {@code
 *     finalizing}, {@code completed}, {@code failed}, {@code expired}, {@code cancelled}, ...)
 * @param settled true once the batcher read its results, so it is never polled again
 * @param requests the calls, in file order
 * @param answered calls answered, once settled
 * @param failed calls the provider rejected, once settled
 * @param resent calls sent again in a later batch, once settled
 * @param createdMillis when it was submitted
 */
public record BatchRecord(
    String id,
    String inputFileId,
    String endpoint,
    String state,
    boolean settled,
    List<BatchRequest> requests,
    int answered,
    int failed,
    int resent,
    long createdMillis) {

  public BatchRecord {
    Objects.requireNonNull(id, "id");
    requests = List.copyOf(requests);
  }

  /** Whether the provider is done with it, one way or another. */
  public boolean finished() {
    return isFinal(state);
  }

  static boolean isFinal(String state) {
    return switch (state) {
      case "completed", "failed", "expired", "cancelled" -> true;
      default -> false;
    };
  }

  BatchRecord withState(String newState) {
    return new BatchRecord(
        id,
        inputFileId,
        endpoint,
        newState,
        settled,
        requests,
        answered,
        failed,
        resent,
        createdMillis);
  }

  BatchRecord settled(int answeredCalls, int failedCalls, int resentCalls) {
    return new BatchRecord(
        id,
        inputFileId,
        endpoint,
        state,
        true,
        requests,
        answeredCalls,
        failedCalls,
        resentCalls,
        createdMillis);
  }
}
