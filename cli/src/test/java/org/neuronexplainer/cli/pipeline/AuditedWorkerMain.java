package org.neuronexplainer.cli.pipeline;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code worker} command's process with its writes of results counted: {@code main(auditFile)}
 * runs the real worker on the configured store wrapped in an {@link AuditedStore} of the {@code
 * explanations/} keys. With a second argument, a number of milliseconds, each write of a result
 * takes that much longer: a paced worker, so that a run of a few hundred baseline neurons lasts
 * long enough for a test to do something to the cluster while it runs.
 */
public final class AuditedWorkerMain {

  private AuditedWorkerMain() {}

  public static void main(String[] args) throws Exception {
    Path audit = Path.of(args[0]);
    Duration pace = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 0);
    ProcessCommands.WorkerCommand.serve(
        System.getenv(), store -> new AuditedStore(store, audit, "explanations/", pace));
  }
}
