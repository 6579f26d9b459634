package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * What batch-priced calls keep in the store, so that a restart of any process loses none of them:
 *
 * <ul>
 *   <li>{@code batches/pending/{key}/{runId}/{layer}-{index}.json}: a call a neuron parked on, not
 *       yet in a batch ({@link BatchRequest}); one per neuron that waits for it, since neurons of
 *       the same or other runs may make the very same call;
 *   <li>{@code batches/sent/{batchId}.json}: a submitted batch and its calls ({@link BatchRecord});
 *   <li>{@code batches/answered/{key}.json}: a call the batch answered (the answer itself is in the
 *       response cache under the same key), until the job of the neuron it names (the first that
 *       waited for it) counts its cost, once;
 *   <li>{@code batches/errors/{key}/{runId}/{layer}-{index}.json}: a call the provider rejected,
 *       with the reason, until that neuron's job fails with it.
 * </ul>
 *
 * The key of a call is its response-cache key, which is also its {@code custom_id} in batch files.
 */
public final class BatchStore {

  static final String PREFIX = "batches/";
  static final String PENDING = PREFIX + "pending/";
  static final String SENT = PREFIX + "sent/";
  static final String ANSWERED = PREFIX + "answered/";
  static final String ERRORS = PREFIX + "errors/";

  /** A call answered by a batch, whose cost the neuron's job has not counted yet. */
  public record Answer(String key, String runId, String neuron, String batchId) {}

  /** A call the provider rejected in a batch. */
  public record Failure(String key, String runId, String neuron, String batchId, String reason) {}

  private final BlobStore store;
  private final ObjectMapper mapper;

  public BatchStore(BlobStore store, ObjectMapper mapper) {
    this.store = Objects.requireNonNull(store, "store");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  public BlobStore blobs() {
    return store;
  }

  private static String waiter(String key, String runId, String neuron) {
    return key + "/" + runId + "/" + neuron.replace(':', '-') + ".json";
  }

  static String batchKey(String batchId) {
    // Provider ids are letters, digits, '_' and '-'; anything else is kept out of the key.
    return SENT + batchId.replaceAll("[^A-Za-z0-9_.-]", "_") + ".json";
  }

  public void park(BatchRequest request) {
    put(PENDING + waiter(request.key(), request.runId(), request.neuron()), request);
  }

  public List<BatchRequest> pending() {
    return readAll(PENDING, BatchRequest.class);
  }

  public void unpark(BatchRequest request) {
    store.delete(PENDING + waiter(request.key(), request.runId(), request.neuron()));
  }

  public void putBatch(BatchRecord batch) {
    put(batchKey(batch.id()), batch);
  }

  public List<BatchRecord> batches() {
    return readAll(SENT, BatchRecord.class);
  }

  public void putAnswer(Answer answer) {
    put(ANSWERED + answer.key() + ".json", answer);
  }

  public Optional<Answer> answer(String key) {
    return read(ANSWERED + key + ".json", Answer.class);
  }

  public void forgetAnswer(String key) {
    store.delete(ANSWERED + key + ".json");
  }

  public void putFailure(Failure failure) {
    put(ERRORS + waiter(failure.key(), failure.runId(), failure.neuron()), failure);
  }

  public Optional<Failure> failure(String key, String runId, String neuron) {
    return read(ERRORS + waiter(key, runId, neuron), Failure.class);
  }

  public void forgetFailure(Failure failure) {
    store.delete(ERRORS + waiter(failure.key(), failure.runId(), failure.neuron()));
  }

  private void put(String key, Object value) {
    try {
      store.put(key, mapper.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private <T> Optional<T> read(String key, Class<T> type) {
    Optional<byte[]> bytes = store.get(key);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(mapper.readValue(bytes.get(), type));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable " + key, e);
    }
  }

  private <T> List<T> readAll(String prefix, Class<T> type) {
    List<T> all = new ArrayList<>();
    for (String key : store.list(prefix)) {
      read(key, type).ifPresent(all::add);
    }
    return all;
  }
}
