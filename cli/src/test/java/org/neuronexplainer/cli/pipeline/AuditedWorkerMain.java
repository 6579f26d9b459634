package org.neuronexplainer.cli.pipeline;

import java.nio.file.Path;

/**
 * The {@code worker} command's process with its writes of results counted: {@code main(auditFile)}
 * runs the real worker on the configured store wrapped in an {@link AuditedStore} of the {@code
 * explanations/} keys.
 */
public final class AuditedWorkerMain {

  private AuditedWorkerMain() {}

  public static void main(String[] args) throws Exception {
    Path audit = Path.of(args[0]);
    ProcessCommands.WorkerCommand.serve(
        System.getenv(), store -> new AuditedStore(store, audit, "explanations/"));
  }
}
