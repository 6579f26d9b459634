package org.neuronexplainer.cli.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.testing.ForwardingStore;

/**
 * The {@code worker} command's process with one run's results held back: {@code main(gateFile,
 * runId)} runs the real worker, whose writes of {@code runs/{runId}/explanations/} wait until the
 * test gives up its lock on {@code gateFile}. Jobs of that run then stay in flight for as long as
 * the test wants, without a clock: how a test cancels a run that is certainly still running.
 */
public final class GatedWorkerMain {

  private GatedWorkerMain() {}

  public static void main(String[] args) throws Exception {
    Path gate = Path.of(args[0]);
    String prefix = RunRecords.runExplanationsPrefix(args[1]);
    CountDownLatch open = new CountDownLatch(1);
    Thread opener =
        new Thread(
            () -> {
              // Blocks while the test holds the file's lock (a lock of another process).
              try (FileChannel channel = FileChannel.open(gate, StandardOpenOption.WRITE);
                  FileLock lock = channel.lock()) {
                open.countDown();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "gate");
    opener.setDaemon(true);
    opener.start();
    ProcessCommands.WorkerCommand.serve(System.getenv(), store -> new Gated(store, prefix, open));
  }

  private static final class Gated extends ForwardingStore {
    private final String prefix;
    private final CountDownLatch open;

    Gated(BlobStore inner, String prefix, CountDownLatch open) {
      super(inner);
      this.prefix = prefix;
      this.open = open;
    }

    @Override
    public void put(String key, byte[] data) {
      if (key.startsWith(prefix)) {
        try {
          open.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("stopped while the gate was shut", e);
        }
      }
      inner.put(key, data);
    }
  }
}
