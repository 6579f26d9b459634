package org.neuronexplainer.worker.pipeline;

/** A short id of this process for Kafka client ids: the host name and the pid. */
final class ProcessIds {

  private ProcessIds() {}

  static String id() {
    String host = System.getenv().getOrDefault("HOSTNAME", "local");
    return host + "-" + ProcessHandle.current().pid();
  }
}
