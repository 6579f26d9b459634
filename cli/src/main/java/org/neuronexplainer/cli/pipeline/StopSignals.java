package org.neuronexplainer.cli.pipeline;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Ctrl-C (SIGINT) for {@code run}: the first asks for a gentle stop (the run is marked interrupted,
 * the jobs in flight finish, the summary is printed), a second one while that goes on stops the
 * process at once.
 *
 * <p>The JVM's own handling cannot tell the two apart: its first SIGINT starts the shutdown, and a
 * second one waits behind it. So SIGINT is taken from the JVM with {@code sun.misc.Signal}, which
 * JDK 17 exports (module {@code jdk.unsupported}) with no flag. Where it is missing or refused (a
 * JVM run with {@code -Xrs}), {@link #install} says so and Ctrl-C keeps the JVM's handling: the
 * shutdown hook of {@code run} still marks the run interrupted and waits for the jobs in flight,
 * and a second Ctrl-C changes nothing.
 */
final class StopSignals {

  /** The exit code of a process ended by SIGINT, as shells report it. */
  static final int INTERRUPTED_EXIT = 130;

  private final AtomicInteger received = new AtomicInteger();
  private final Runnable gently;
  private final Runnable now;

  /**
   * @param gently what the first Ctrl-C does (it may block until the process ends)
   * @param now what a second one does before the process halts
   * @param halt halts the process with its exit code ({@code Runtime::halt} outside tests)
   */
  StopSignals(Runnable gently, Runnable now, IntConsumer halt) {
    this.gently = gently;
    this.now =
        () -> {
          now.run();
          halt.accept(INTERRUPTED_EXIT);
        };
  }

  /** Called on each SIGINT, each time on a thread of its own. */
  void received() {
    int count = received.incrementAndGet();
    if (count == 1) {
      gently.run();
    } else if (count == 2) {
      now.run();
    }
  }

  /**
   * Takes SIGINT for these stop signals until {@link Installed#close()}, which gives the previous
   * handling back.
   *
   * @return the installation, or null when the JVM does not let SIGINT be taken
   */
  @SuppressWarnings("restriction")
  Installed install() {
    try {
      sun.misc.Signal signal = new sun.misc.Signal("INT");
      sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, s -> received());
      return () -> sun.misc.Signal.handle(signal, previous);
    } catch (LinkageError | IllegalArgumentException | UnsupportedOperationException e) {
      return null;
    }
  }

  /** The taken SIGINT, to give back. */
  @FunctionalInterface
  interface Installed extends AutoCloseable {
    @Override
    void close();
  }
}
