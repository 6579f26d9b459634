package org.neuronexplainer.coordinator.runs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.Selection;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * Turns a run spec into its neurons. For a run from collated activations ({@code source=store}) the
 * plan is every NeuronRecord of the store within the spec's layers and neurons: one per-neuron job
 * each. A capture run's neurons are those of its {@link CapturePlan}: every selected neuron of
 * every selected layer of the model.
 */
public final class RunPlanner {

  private static final Pattern RECORD =
      Pattern.compile("collated-activations/(\\d+)/(\\d+)\\.json");

  private final BlobStore store;

  public RunPlanner(BlobStore store) {
    this.store = store;
  }

  /**
   * The planned neurons, sorted.
   *
   * @throws IllegalArgumentException when the spec cannot be planned (no records match, a model or
   *     a layer that does not exist)
   */
  public List<NeuronId> plan(RunSpec spec) {
    if (spec.captures()) {
      return CaptureRuns.plan(spec).neurons();
    }
    Selection layers = spec.layers() == null ? null : Selection.parse(spec.layers(), "layers");
    Selection neurons = spec.neurons() == null ? null : Selection.parse(spec.neurons(), "neurons");
    List<NeuronId> planned = new ArrayList<>();
    for (String key : spec.datasetStore(store).list("collated-activations/")) {
      Matcher m = RECORD.matcher(key);
      if (!m.matches()) {
        continue;
      }
      int layer = Integer.parseInt(m.group(1));
      int neuron = Integer.parseInt(m.group(2));
      if ((layers == null || layers.contains(layer))
          && (neurons == null || neurons.contains(neuron))) {
        planned.add(new NeuronId(layer, neuron));
      }
    }
    if (planned.isEmpty()) {
      throw new IllegalArgumentException(
          "no NeuronRecords under "
              + spec.dataset()
              + "collated-activations/ in the store match layers "
              + (spec.layers() == null ? "(all)" : spec.layers())
              + " and neurons "
              + (spec.neurons() == null ? "(all)" : spec.neurons()));
    }
    planned.sort(null);
    return planned;
  }
}
