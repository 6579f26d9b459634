package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.neuronexplainer.cli.Main;
import org.neuronexplainer.cli.cluster.PipelineHosts;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.run.RunRecords;
import org.neuronexplainer.common.storage.LocalDirectoryStore;

/**
 * What a run on the test cluster left in its store, checked against the audits of its workers'
 * writes ({@link AuditedStore}).
 */
final class ClusterResults {

  private final PipelineHosts hosts;
  private final String runId;
  private final List<NeuronId> neurons;

  ClusterResults(PipelineHosts hosts, String runId, List<NeuronId> neurons) {
    this.hosts = hosts;
    this.runId = runId;
    this.neurons = List.copyOf(neurons);
  }

  /**
   * Every neuron's result written exactly once over {@code workers}, present with its done marker,
   * and valid by the {@code validate} command. A put that a SIGKILL of {@code killed} cut short may
   * stand without its count (its bytes landed or the successor wrote them); a result that {@code
   * cutOff} (a worker cut off the network while the store stayed in reach) wrote may have been
   * written a second time by the worker its job moved to, when both held the job at once: then both
   * writes must be the very bytes the store holds. Either may be null.
   */
  void assertWrittenOnce(List<String> workers, String killed, String cutOff) throws IOException {
    List<Path> audits = workers.stream().map(hosts::audit).toList();
    Map<String, Integer> writes = AuditedStore.count(audits);
    Set<String> cutShort = killed == null ? Set.of() : AuditedStore.unfinished(hosts.audit(killed));
    Map<String, Integer> byCutOff =
        cutOff == null ? Map.of() : AuditedStore.count(List.of(hosts.audit(cutOff)));
    Map<String, List<String>> digests = AuditedStore.digests(audits);
    LocalDirectoryStore results = new LocalDirectoryStore(hosts.store());
    assertThat(writes)
        .as(() -> writesByWorker(workers, writes) + hosts.logs())
        .allSatisfy(
            (key, n) -> {
              if (n == 2 && byCutOff.getOrDefault(key, 0) == 1) {
                String held = AuditedStore.digest(results.get(key).orElseThrow());
                assertThat(digests.get(key)).as(key + " written twice").containsOnly(held);
              } else {
                assertThat(n).as(key + " writes").isEqualTo(1);
              }
            });
    List<String> expected = new ArrayList<>();
    for (NeuronId n : neurons) {
      String key = RunRecords.explanationKey(n);
      expected.add(key);
      assertThat(writes.containsKey(key) || cutShort.contains(key)).as(key + " written").isTrue();
      assertThat(results.exists(RunRecords.doneKey(runId, n))).as("done marker of " + n).isTrue();
    }
    assertThat(writes.keySet()).isSubsetOf(expected);
    StringWriter out = new StringWriter();
    int code =
        Main.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(out))
            .execute("validate", "--quiet", hosts.store().resolve("explanations").toString());
    assertThat(code).as(out.toString()).isZero();
    int count = neurons.size();
    assertThat(out.toString()).contains(count + " files: " + count + " valid, 0 invalid");
  }

  /** The SHA-256 of every result file of the run's neurons. */
  Map<String, String> digests() {
    LocalDirectoryStore store = new LocalDirectoryStore(hosts.store());
    Map<String, String> digests = new TreeMap<>();
    for (NeuronId n : neurons) {
      String key = RunRecords.explanationKey(n);
      store.get(key).ifPresent(bytes -> digests.put(key, AuditedStore.digest(bytes)));
    }
    return digests;
  }

  /** For a failure message: which worker wrote each key written more than once. */
  private String writesByWorker(List<String> workers, Map<String, Integer> writes) {
    StringBuilder out = new StringBuilder();
    writes.forEach(
        (key, n) -> {
          if (n > 1) {
            out.append("\n").append(key).append(":");
            for (String w : workers) {
              try {
                out.append(" ")
                    .append(w)
                    .append("=")
                    .append(AuditedStore.count(List.of(hosts.audit(w))).getOrDefault(key, 0));
              } catch (IOException e) {
                out.append(e);
              }
            }
          }
        });
    return out.toString();
  }
}
