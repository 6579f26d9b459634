package org.neuronexplainer.common.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * The run records in a store and their keys: {@code runs/{runId}/spec.json}, {@code status.json},
 * {@code plan.json} (the planned neurons) and {@code done/{layer}/{neuron}.json} (the marker that a
 * neuron's results were written by this run's method). Thread-safe.
 */
public final class RunRecords {

  private static final String RUNS = "runs/";

  private final ObjectMapper mapper =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private final BlobStore store;

  public RunRecords(BlobStore store) {
    this.store = store;
  }

  public BlobStore store() {
    return store;
  }

  public static String specKey(String runId) {
    return RUNS + runId + "/spec.json";
  }

  public static String statusKey(String runId) {
    return RUNS + runId + "/status.json";
  }

  public static String planKey(String runId) {
    return RUNS + runId + "/plan.json";
  }

  public static String doneKey(String runId, NeuronId neuron) {
    return RUNS + runId + "/done/" + neuron.layerIndex() + "/" + neuron.neuronIndex() + ".json";
  }

  /** The public layout's NeuronRecord key. */
  public static String recordKey(NeuronId neuron) {
    return "collated-activations/" + neuron.layerIndex() + "/" + neuron.neuronIndex() + ".json";
  }

  /** The public layout's explanations key. */
  public static String explanationKey(NeuronId neuron) {
    return "explanations/" + neuron.layerIndex() + "/" + neuron.neuronIndex() + ".jsonl";
  }

  /**
   * What a finished neuron leaves beside its results.
   *
   * @param methodVersion {@link RunSpec#methodVersion()} of the run that wrote the results
   * @param score the mean score of its explanations (NaN when undefined)
   */
  public record DoneMarker(String runId, String methodVersion, Double score) {}

  public void putSpec(RunSpec spec) {
    store.put(specKey(spec.runId()), write(spec));
  }

  public Optional<RunSpec> spec(String runId) {
    return store.get(specKey(runId)).map(b -> read(b, RunSpec.class));
  }

  public void putStatus(RunStatus status) {
    store.put(statusKey(status.runId()), write(status));
  }

  public Optional<RunStatus> status(String runId) {
    return store.get(statusKey(runId)).map(b -> read(b, RunStatus.class));
  }

  public void putPlan(String runId, List<NeuronId> neurons) {
    store.put(planKey(runId), write(neurons));
  }

  public List<NeuronId> plan(String runId) {
    return store
        .get(planKey(runId))
        .map(
            b -> {
              try {
                return mapper.readValue(b, new TypeReference<List<NeuronId>>() {});
              } catch (IOException e) {
                throw new UncheckedIOException("bad " + planKey(runId), e);
              }
            })
        .orElse(List.of());
  }

  public void putDone(NeuronId neuron, DoneMarker marker) {
    store.put(doneKey(marker.runId(), neuron), write(marker));
  }

  public Optional<DoneMarker> done(String runId, NeuronId neuron) {
    return store.get(doneKey(runId, neuron)).map(b -> read(b, DoneMarker.class));
  }

  /** Every run id with a status record, sorted. */
  public List<String> runIds() {
    List<String> ids = new ArrayList<>();
    for (String key : store.list(RUNS)) {
      if (key.endsWith("/status.json") && key.indexOf('/', RUNS.length()) == key.length() - 12) {
        ids.add(key.substring(RUNS.length(), key.length() - 12));
      }
    }
    return ids;
  }

  private byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private <T> T read(byte[] bytes, Class<T> type) {
    try {
      return mapper.readValue(bytes, type);
    } catch (IOException e) {
      throw new UncheckedIOException("bad " + type.getSimpleName() + " record", e);
    }
  }
}
