package org.neuronexplainer.worker.capture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The token table's sums kept on the device across a capture's batches, one {@code [vocabulary,
 * neurons]} int64 table per hook, so that they are copied to the host once, at the end, instead of
 * a row of longs per distinct token of every batch. Integer sums do not depend on their order, so
 * the host's table gets the same numbers. Owned by its model; its memory goes with the model's.
 */
final class DeviceTokenSums {
  private final NDManager memory;
  private final Map<Hook, NDArray> tables = new HashMap<>();

  DeviceTokenSums(NDManager model) {
    this.memory = model.newSubManager();
  }

  /**
   * Adds {@code sums}, {@code [tokens, neurons]} int64, to the rows of the distinct token ids
   * {@code tokens}, {@code [tokens]} int64, of the hook's table (made, zero, on first use).
   * Temporaries go to {@code scope}.
   */
  synchronized void add(Hook hook, int vocab, NDArray tokens, NDArray sums, NDManager scope) {
    long width = sums.getShape().get(1);
    NDArray table =
        tables.computeIfAbsent(
            hook, h -> memory.zeros(new Shape(vocab, width), DataType.INT64, sums.getDevice()));
    NDArray rows = table.get(tokens);
    rows.attach(scope);
    NDArray added = rows.add(sums);
    table.set(new NDIndex("{}", tokens), added);
  }

  /**
   * The rows of {@code tokens} of the hook's table, {@code [tokens.length * neurons]}, and the
   * table freed; empty where the hook has none.
   */
  synchronized Optional<long[]> take(Hook hook, int[] tokens) {
    NDArray table = tables.remove(hook);
    if (table == null) {
      return Optional.empty();
    }
    try (NDManager scope = memory.newSubManager()) {
      long[] ids = new long[tokens.length];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = tokens[i];
      }
      long[] rows =
          tokens.length == 0
              ? new long[0]
              : table.get(scope.create(ids, new Shape(ids.length))).toLongArray();
      return Optional.of(rows);
    } finally {
      table.close();
    }
  }

  /** Frees every table: a capture starts from none. */
  synchronized void clear() {
    tables.values().forEach(NDArray::close);
    tables.clear();
  }
}
