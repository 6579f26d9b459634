package org.neuronexplainer.worker.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Sends parked calls through the Batch API and brings their answers back; the single owner of the
 * store's {@code batches/} records ({@link BatchStore}), driven one {@link #round()} at a time by
 * whoever runs it (the pipeline's batcher thread, a test).
 *
 * <p>One round: polls every batch not yet settled, and for each the provider is done with writes
 * each answer into the response cache under its {@code custom_id} (the call's cache key), records
 * each rejected call with the provider's reason, and parks again the calls an expired, failed or
 * cancelled batch left unanswered (each call at most {@code maxSends} times, then it is failed);
 * then packs the parked calls that no batch carries into input files within the limits, uploads
 * them and creates their batches; last, tells {@link ParkedNeurons} which neurons have no call left
 * waiting, so their jobs run again and find their answers in the cache. Everything a round needs is
 * in the store, so a restart of any process loses nothing: a batch created but not yet recorded is
 * the one gap (its calls are sent again, and paid twice).
 */
public final class Batcher {

  private static final System.Logger LOG = System.getLogger(Batcher.class.getName());

  /** Told which parked neurons can run again: every call they waited for is answered or failed. */
  @FunctionalInterface
  public interface ParkedNeurons {
    void ready(String runId, List<String> neurons);

    /** Where a run's calls and batches stand, told after a round when it changed. */
    default void counted(String runId, Counts counts) {}
  }

  /** The batches and calls the store holds, for metrics and the run page. */
  public record Counts(
      long pendingCalls, long inProgress, long completed, long failed, long callsInBatches) {}

  private final BatchStore store;
  private final BatchApi api;
  private final ResponseCache cache;
  private final ObjectMapper mapper;
  private final ApiFlavor flavor;
  private final BatchFiles.Limits limits;
  private final int maxSends;
  private final ParkedNeurons parked;
  private final LongSupplier clock;
  private final Map<String, Counts> told = new HashMap<>();

  public Batcher(
      BatchStore store,
      LlmConfig config,
      HttpClient http,
      ObjectMapper mapper,
      int maxRequestsPerFile,
      long maxBytesPerFile,
      int maxSends,
      ParkedNeurons parked,
      LongSupplier clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.mapper = mapper;
    this.api = new BatchApi(config, http, mapper);
    this.cache = new ResponseCache(store.blobs(), mapper);
    this.flavor = config.flavor();
    this.limits = new BatchFiles.Limits(maxRequestsPerFile, maxBytesPerFile);
    if (maxSends < 1) {
      throw new IllegalArgumentException("maxSends must be at least 1");
    }
    this.maxSends = maxSends;
    this.parked = Objects.requireNonNull(parked, "parked");
    this.clock = clock;
  }

  /** One round; failures of single calls to the API are logged and left for the next round. */
  public Counts round() {
    Map<String, Set<String>> touched = new LinkedHashMap<>();
    List<BatchRecord> open = new ArrayList<>();
    for (BatchRecord batch : store.batches()) {
      if (batch.settled()) {
        continue;
      }
      BatchRecord polled = poll(batch, touched);
      if (!polled.settled()) {
        open.add(polled);
      }
    }
    submit(open, touched);
    release(touched, open);
    tellCounts();
    return counts();
  }

  /** Tells each run's counts that changed since this batcher last told them. */
  private void tellCounts() {
    Map<String, long[]> runs = new LinkedHashMap<>();
    for (BatchRequest request : store.pending()) {
      runs.computeIfAbsent(request.runId(), r -> new long[5])[0]++;
    }
    for (BatchRecord batch : store.batches()) {
      Set<String> inBatch = new HashSet<>();
      for (BatchRequest request : batch.requests()) {
        long[] counts = runs.computeIfAbsent(request.runId(), r -> new long[5]);
        if (!batch.settled()) {
          counts[1]++;
        }
        if (inBatch.add(request.runId())) {
          counts[!batch.settled() ? 2 : batch.state().equals("completed") ? 3 : 4]++;
        }
      }
    }
    for (Map.Entry<String, long[]> run : runs.entrySet()) {
      long[] c = run.getValue();
      Counts counts = new Counts(c[0], c[2], c[3], c[4], c[1]);
      if (!counts.equals(told.get(run.getKey()))) {
        try {
          parked.counted(run.getKey(), counts);
          told.put(run.getKey(), counts);
        } catch (RuntimeException e) {
          LOG.log(
              System.Logger.Level.WARNING,
              "cannot record run {0}''s batches: {1}",
              run.getKey(),
              e);
        }
      }
    }
  }

  /** What the store holds now. */
  public Counts counts() {
    long inProgress = 0;
    long completed = 0;
    long failed = 0;
    long calls = 0;
    for (BatchRecord batch : store.batches()) {
      if (!batch.settled()) {
        inProgress++;
        calls += batch.requests().size();
      } else if (batch.state().equals("completed")) {
        completed++;
      } else {
        failed++;
      }
    }
    return new Counts(store.pending().size(), inProgress, completed, failed, calls);
  }

  private BatchRecord poll(BatchRecord batch, Map<String, Set<String>> touched) {
    BatchApi.Status status;
    try {
      status = api.get(batch.id());
    } catch (BatchApi.BatchApiException e) {
      LOG.log(System.Logger.Level.WARNING, "batch {0}: {1}", batch.id(), e.getMessage());
      return batch;
    }
    BatchRecord seen = batch;
    if (!status.state().equals(batch.state())) {
      seen = batch.withState(status.state());
      store.putBatch(seen);
    }
    if (!seen.finished()) {
      return seen;
    }
    try {
      return settle(seen, status, touched);
    } catch (BatchApi.BatchApiException e) {
      LOG.log(System.Logger.Level.WARNING, "batch {0}: {1}", batch.id(), e.getMessage());
      return seen;
    }
  }

  private BatchRecord settle(
      BatchRecord batch, BatchApi.Status status, Map<String, Set<String>> touched) {
    Map<String, BatchFiles.Result> results = new HashMap<>();
    for (String file : new String[] {status.outputFileId(), status.errorFileId()}) {
      if (file != null) {
        for (BatchFiles.Result result : BatchFiles.read(api.content(file), mapper)) {
          results.putIfAbsent(result.customId(), result);
        }
      }
    }
    int answered = 0;
    int failed = 0;
    int resent = 0;
    Set<String> stored = new HashSet<>();
    for (BatchRequest request : batch.requests()) {
      // One line per call; every neuron that waits for it is one of the batch's requests.
      BatchFiles.Result result = results.get(request.key());
      if (result != null && result.answered()) {
        if (stored.add(request.key())) {
          cache.put(request.key(), bytes(result.body()));
          // The first neuron that waited for the call counts its cost; the others get it free.
          store.putAnswer(
              new BatchStore.Answer(request.key(), request.runId(), request.neuron(), batch.id()));
          answered++;
        }
      } else if (result != null) {
        fail(request, batch.id(), result.error());
        failed++;
      } else if (request.sends() < maxSends) {
        // No answer: the batch expired, failed or was cancelled before this call's turn.
        store.park(request);
        resent++;
        continue;
      } else {
        fail(
            request,
            batch.id(),
            "no answer after "
                + request.sends()
                + " batches (the last one "
                + batch.state()
                + (status.errors() == null ? "" : ": " + status.errors())
                + ")");
        failed++;
      }
      touched.computeIfAbsent(request.runId(), r -> new LinkedHashSet<>()).add(request.neuron());
    }
    BatchRecord settled = batch.settled(answered, failed, resent);
    store.putBatch(settled);
    LOG.log(
        System.Logger.Level.INFO,
        "batch {0} {1}: {2} answered, {3} failed, {4} to send again",
        batch.id(),
        batch.state(),
        answered,
        failed,
        resent);
    return settled;
  }

  private void fail(BatchRequest request, String batchId, String reason) {
    store.putFailure(
        new BatchStore.Failure(request.key(), request.runId(), request.neuron(), batchId, reason));
  }

  private void submit(List<BatchRecord> open, Map<String, Set<String>> touched) {
    Set<String> carried = new HashSet<>();
    for (BatchRecord batch : open) {
      for (BatchRequest request : batch.requests()) {
        carried.add(request.key());
      }
    }
    // Every waiting neuron, by call: a call goes into one file however many neurons wait for it.
    Map<String, List<BatchRequest>> waiting = new LinkedHashMap<>();
    for (BatchRequest request : store.pending()) {
      if (carried.contains(request.key())) {
        continue; // its batch is out: the neuron waits for that one
      }
      if (cache.get(request.key()).isPresent()) {
        store.unpark(request); // answered meanwhile (by its batch, or another run's)
        touched.computeIfAbsent(request.runId(), r -> new LinkedHashSet<>()).add(request.neuron());
        continue;
      }
      waiting.computeIfAbsent(request.key(), k -> new ArrayList<>()).add(request);
    }
    if (waiting.isEmpty()) {
      return;
    }
    List<BatchRequest> calls = waiting.values().stream().map(w -> w.get(0)).toList();
    BatchFiles.Assembly files = BatchFiles.assemble(calls, limits, flavor, mapper);
    for (BatchRequest call : files.tooLarge()) {
      for (BatchRequest request : waiting.get(call.key())) {
        fail(
            request,
            "",
            "the request is larger than a batch file may be (" + limits.maxBytes() + " bytes)");
        store.unpark(request);
        touched.computeIfAbsent(request.runId(), r -> new LinkedHashSet<>()).add(request.neuron());
      }
    }
    for (BatchFiles.Chunk chunk : files.chunks()) {
      List<BatchRequest> waiters =
          chunk.requests().stream().flatMap(call -> waiting.get(call.key()).stream()).toList();
      BatchApi.Status created;
      try {
        String file = api.upload(chunk.jsonl(), "neuron-explainer-" + clock.getAsLong() + ".jsonl");
        created = api.create(file, chunk.endpoint());
        BatchRecord batch =
            new BatchRecord(
                created.id(),
                file,
                chunk.endpoint(),
                created.state(),
                false,
                waiters.stream().map(BatchRequest::sentAgain).toList(),
                0,
                0,
                0,
                clock.getAsLong());
        store.putBatch(batch);
        open.add(batch);
      } catch (BatchApi.BatchApiException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "cannot submit a batch of {0} calls; tried again next round: {1}",
            chunk.requests().size(),
            e.getMessage());
        continue;
      }
      waiters.forEach(store::unpark);
      LOG.log(
          System.Logger.Level.INFO,
          "submitted batch {0}: {1} calls to {2}",
          created.id(),
          chunk.requests().size(),
          chunk.endpoint());
    }
  }

  /** Tells which touched neurons wait for nothing any more. */
  private void release(Map<String, Set<String>> touched, List<BatchRecord> open) {
    if (touched.isEmpty()) {
      return;
    }
    Set<String> waiting = new HashSet<>();
    for (BatchRecord batch : open) {
      for (BatchRequest request : batch.requests()) {
        waiting.add(request.runId() + "\n" + request.neuron());
      }
    }
    for (BatchRequest request : store.pending()) {
      waiting.add(request.runId() + "\n" + request.neuron());
    }
    for (Map.Entry<String, Set<String>> run : touched.entrySet()) {
      List<String> ready =
          run.getValue().stream().filter(n -> !waiting.contains(run.getKey() + "\n" + n)).toList();
      if (!ready.isEmpty()) {
        parked.ready(run.getKey(), ready);
      }
    }
  }

  private byte[] bytes(Object json) {
    try {
      return mapper.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
