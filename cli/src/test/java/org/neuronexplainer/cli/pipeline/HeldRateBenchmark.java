package org.neuronexplainer.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.messaging.Messages;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.StageEvent;
import org.neuronexplainer.coordinator.progress.RunProgress;
import org.neuronexplainer.worker.explain.ExplainerInput;
import org.neuronexplainer.worker.explain.ExplainerKind;
import org.neuronexplainer.worker.explain.ExplainerSettings;
import org.neuronexplainer.worker.llm.ClientTransport;
import org.neuronexplainer.worker.llm.LimitedEndpoint;
import org.neuronexplainer.worker.llm.LlmClient;
import org.neuronexplainer.worker.llm.LlmConfig;
import org.neuronexplainer.worker.llm.ScriptedLlmServer;
import org.neuronexplainer.worker.llm.ScriptedModel;
import org.neuronexplainer.worker.prompt.PromptFormat;
import org.neuronexplainer.worker.score.ExplainAndScore;
import org.neuronexplainer.worker.score.NeuronScorer;
import org.neuronexplainer.worker.simulate.SimulatorKind;

/**
 * A run held at the endpoint's limit: N neurons through the explain-and-score handler (the
 * token-activation-pair explainer, the all-at-once simulator, the paper's scorer: 21 calls a
 * neuron) and one {@link LlmClient} configured with the endpoint's limits, against a scripted
 * endpoint that answers in 0.5 to 1.5 s, enforces its requests and tokens per minute with 429s and
 * refuses some calls at random. Neurons are taken from a counter as the worker takes jobs from its
 * topic, a fixed number in flight, so nothing grows with the number queued; their ends are folded
 * into the coordinator's {@link RunProgress}, whose ETA the run prints.
 *
 * <p>It prints the achieved request and token rates as a share of the limits, over the run and per
 * tenth of it, the 429s, the heap after a collection at 10%, 50% and 100%, and the ETA shown after
 * the first tenth against the real end. Run with {@code mvn -B -o -pl common,worker,
 * coordinator,cli -am test -Dtest=HeldRateBenchmark -Dgroups=benchmark -DexcludedGroups=none
 * -Dsurefire.failIfNoSpecifiedTests=false}; {@code -Dbench.neurons}, {@code -Dbench.rpm}, {@code
 * -Dbench.tpm}, {@code -Dbench.latencyMs=MIN-MAX}, {@code -Dbench.overloaded} (the share refused at
 * random), {@code -Dbench.concurrency} and {@code -Dbench.inFlight} (neurons) change it.
 */
@Tag("benchmark")
class HeldRateBenchmark {
  private static final Path EXAMPLE =
      Path.of("..", "examples", "collated-activations", "6", "1017.json");
  private static final String MODEL = "bench";

  /** What the run looked like when its done count crossed a tenth. */
  private record Mark(long nanos, int done, LimitedEndpoint.Counts counts) {}

  @Test
  void aRunKeepsTheEndpointAtItsLimit() throws Exception {
    int neurons = Integer.getInteger("bench.neurons", 10_000);
    long rpm = Long.getLong("bench.rpm", 6_000);
    long tpm = Long.getLong("bench.tpm", 6_000_000);
    String[] latency = System.getProperty("bench.latencyMs", "500-1500").split("-");
    long minLatency = Long.parseLong(latency[0]);
    long maxLatency = Long.parseLong(latency[1]);
    double overloaded = Double.parseDouble(System.getProperty("bench.overloaded", "0.005"));
    // Enough calls in flight to cover the slowest answers at the full rate, with room to spare.
    int concurrency =
        Integer.getInteger("bench.concurrency", (int) Math.ceil(rpm / 60.0 * maxLatency / 500.0));
    // The worker's defaults: 4 consumers of 8 explain-and-score jobs each.
    int inFlight = Integer.getInteger("bench.inFlight", 32);
    NeuronRecord neuron = DatasetJson.read(EXAMPLE, NeuronRecord.class);

    LimitedEndpoint endpoint =
        new LimitedEndpoint(new ScriptedModel(), rpm, tpm, minLatency, maxLatency, overloaded);
    try (ScriptedLlmServer server = new ScriptedLlmServer().withoutRecording().otherwise(endpoint);
        LlmClient client =
            LlmClient.builder(
                    LlmConfig.fromEnv(
                        Map.of(
                            "LLM_BASE_URL",
                            server.root() + "/v1",
                            "LLM_MODEL",
                            MODEL,
                            "LLM_MAX_CONCURRENCY",
                            Integer.toString(concurrency),
                            "LLM_REQUESTS_PER_MINUTE",
                            Long.toString(rpm),
                            "LLM_TOKENS_PER_MINUTE",
                            Long.toString(tpm),
                            "LLM_TIMEOUT_SECONDS",
                            "60")))
                .build()) {
      System.out.printf(
          Locale.ROOT,
          "%d neurons, limits %d RPM and %d TPM, answers in %d-%d ms, %.1f%% refused at random,"
              + " %d calls in flight at most, %d neurons in flight%n",
          neurons,
          rpm,
          tpm,
          minLatency,
          maxLatency,
          overloaded * 100,
          concurrency,
          inFlight);
      RunProgress progress = new RunProgress("held-rate");
      progress.plan(IntStream.range(0, neurons).mapToObj(i -> "0:" + i).toList());
      List<Mark> marks = new ArrayList<>();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicLong etaAtTenth = new AtomicLong(-1);
      Semaphore slots = new Semaphore(inFlight);
      long start = System.nanoTime();
      marks.add(new Mark(start, 0, endpoint.counts()));
      long[] heap = new long[3];
      int[] heapAt = {neurons / 10, neurons / 2, neurons};
      int nextHeap = 0;
      for (int i = 0; i < neurons; i++) {
        slots.acquire();
        String unit = "0:" + i;
        synchronized (progress) {
          progress.apply(
              new StageEvent.Started(
                  Messages.SCHEMA_VERSION,
                  "held-rate",
                  Stage.EXPLAIN_AND_SCORE,
                  unit,
                  1,
                  System.currentTimeMillis()));
        }
        ClientTransport transport = ClientTransport.forNeuron(client);
        new ExplainAndScore(
                ExplainerKind.TOKEN_ACTIVATION_PAIR.create(
                    ExplainerSettings.defaults(MODEL, PromptFormat.CHAT).withSamples(1)),
                SimulatorKind.ALL_AT_ONCE.create(MODEL, transport),
                NeuronScorer.paper())
            .run(ExplainerInput.of(neuron), transport)
            .whenComplete(
                (outcome, error) -> {
                  if (error != null) {
                    failures.add(error);
                  }
                  finished(progress, unit, neurons, marks, endpoint, etaAtTenth);
                  slots.release();
                });
        // The heap is read from this thread, between sends, at the first chance past each mark.
        int done = doneCount(progress);
        if (nextHeap < 2 && done >= heapAt[nextHeap]) {
          heap[nextHeap++] = heapAfterCollection();
        }
      }
      slots.acquire(inFlight);
      long end = System.nanoTime();
      while (nextHeap < 3) {
        heap[nextHeap++] = heapAfterCollection();
      }
      assertThat(failures).as("neurons that failed").isEmpty();
      report(marks, rpm, tpm, etaAtTenth.get(), start, end, heap);
      assertThat(TimeUnit.NANOSECONDS.toSeconds(end - start)).isPositive();
    }
  }

  private static int doneCount(RunProgress progress) {
    synchronized (progress) {
      return (int) progress.completed();
    }
  }

  private static void finished(
      RunProgress progress,
      String unit,
      int neurons,
      List<Mark> marks,
      LimitedEndpoint endpoint,
      AtomicLong etaAtTenth) {
    synchronized (progress) {
      progress.apply(
          new StageEvent.Succeeded(
              Messages.SCHEMA_VERSION,
              "held-rate",
              Stage.EXPLAIN_AND_SCORE,
              unit,
              1,
              System.currentTimeMillis(),
              false,
              null));
      int done = (int) progress.completed();
      if (done == neurons / 10) {
        double eta = progress.etaSeconds();
        etaAtTenth.set(Double.isNaN(eta) ? -1 : Math.round(eta * 1e9));
      }
      if (done * 10L >= (long) marks.size() * neurons) {
        marks.add(new Mark(System.nanoTime(), done, endpoint.counts()));
      }
    }
  }

  private static long heapAfterCollection() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void report(
      List<Mark> marks, long rpm, long tpm, long etaNanos, long start, long end, long[] heap) {
    Mark first = marks.get(0);
    Mark last = marks.get(marks.size() - 1);
    double seconds = (end - start) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%10s %8s %8s %10s %10s %9s %9s%n",
        "part",
        "neurons",
        "seconds",
        "RPM share",
        "TPM share",
        "429 limit",
        "429 busy");
    for (int k = 1; k < marks.size(); k++) {
      printPart(String.format(Locale.ROOT, "%d/10", k), marks.get(k - 1), marks.get(k), rpm, tpm);
    }
    printPart("whole run", first, new Mark(end, last.done(), last.counts()), rpm, tpm);
    LimitedEndpoint.Counts c = last.counts();
    System.out.printf(
        Locale.ROOT,
        "calls admitted %d (%.1f a neuron), tokens %d (%.0f a call), 429s %d at the limits,"
            + " %d at random%n",
        c.admitted(),
        c.admitted() / (double) Math.max(1, last.done()),
        c.admittedTokens(),
        c.admittedTokens() / (double) Math.max(1, c.admitted()),
        c.limited(),
        c.overloaded());
    Mark tenth = marks.size() > 1 ? marks.get(1) : last;
    if (etaNanos >= 0) {
      double predictedEnd = (tenth.nanos() - start + etaNanos) / 1e9;
      double actualLeft = (end - tenth.nanos()) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "ETA after the first tenth: %.1f s left, end predicted at %.1f s; the run ended at %.1f s"
              + " (%+.1f%% of the time left, %+.1f%% of the run)%n",
          etaNanos / 1e9,
          predictedEnd,
          seconds,
          (etaNanos / 1e9 - actualLeft) / actualLeft * 100,
          (predictedEnd - seconds) / seconds * 100);
    } else {
      System.out.println("ETA after the first tenth: unknown");
    }
    System.out.printf(
        Locale.ROOT,
        "heap after a collection: %.1f MiB at 10%%, %.1f MiB at 50%%, %.1f MiB at 100%%%n",
        heap[0] / 1048576.0,
        heap[1] / 1048576.0,
        heap[2] / 1048576.0);
  }

  private static void printPart(String name, Mark from, Mark to, long rpm, long tpm) {
    double seconds = (to.nanos() - from.nanos()) / 1e9;
    long calls = to.counts().admitted() - from.counts().admitted();
    long tokens = to.counts().admittedTokens() - from.counts().admittedTokens();
    System.out.printf(
        Locale.ROOT,
        "%10s %8d %8.1f %9.1f%% %9.1f%% %9d %9d%n",
        name,
        to.done() - from.done(),
        seconds,
        calls / seconds / (rpm / 60.0) * 100,
        tokens / seconds / (tpm / 60.0) * 100,
        to.counts().limited() - from.counts().limited(),
        to.counts().overloaded() - from.counts().overloaded());
  }
}
