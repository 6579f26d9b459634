package org.neuronexplainer.common.kafka;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * The records a runner took from one partition, in offset order, and how far it may commit: up to
 * the first record that is not done, never past it. Consumer thread only.
 */
final class PartitionProgress {

  private final ArrayDeque<InFlight<?>> taken = new ArrayDeque<>();
  private long committable = -1;
  private long committed = -1;

  void take(InFlight<?> f) {
    taken.addLast(f);
  }

  /** Moves the commit point over the done records at the head. */
  void advance() {
    while (!taken.isEmpty() && taken.peekFirst().done) {
      committable = taken.pollFirst().offset() + 1;
    }
  }

  /** The offset to commit now, or -1 when nothing new is committable. */
  long toCommit() {
    return committable > committed ? committable : -1;
  }

  void committed(long offset) {
    committed = Math.max(committed, offset);
  }

  /**
   * Where a reader must start again to miss nothing this runner did not finish: the first record
   * not done, else the one after the last done, else -1 when nothing was taken.
   */
  long restartOffset() {
    advance();
    return taken.isEmpty() ? committable : taken.peekFirst().offset();
  }

  /** Gives up every record still taken (a revoke or a rewind). */
  void abandonAll(Consumer<InFlight<?>> each) {
    for (InFlight<?> f : List.copyOf(taken)) {
      f.abandoned = true;
      each.accept(f);
    }
    taken.clear();
  }

  boolean isEmpty() {
    return taken.isEmpty();
  }
}
