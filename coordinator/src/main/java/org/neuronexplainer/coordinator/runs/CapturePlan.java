package org.neuronexplainer.coordinator.runs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.messaging.LayerRange;
import org.neuronexplainer.common.messaging.NeuronBlock;
import org.neuronexplainer.common.run.CaptureRun;
import org.neuronexplainer.common.run.RunSpec;
import org.neuronexplainer.common.run.Selection;

/**
 * How a capture run is cut (docs/architecture.md, the pipeline): capture jobs by layer range and
 * corpus shard, since one forward pass serves every neuron of its layers; collate jobs by neuron
 * block of one layer; weights jobs by whole layer. Pure: a function of the spec and the model's
 * shape.
 *
 * @param ranges contiguous runs of the selected layers, each cut to at most {@code layersPerJob}
 * @param shards corpus shards; capture jobs are {@code ranges x shards}
 * @param blocks collate units: contiguous runs of the selected neurons of each selected layer, cut
 *     to at most {@code collateBlock}
 * @param weightLayers weights units (a whole layer each), empty when weights are not asked for
 * @param neurons every planned neuron, sorted
 * @param model the whole model's shape, whichever layers and neurons the run selects
 */
public record CapturePlan(
    List<LayerRange> ranges,
    int shards,
    List<NeuronBlock> blocks,
    List<NeuronBlock> weightLayers,
    List<NeuronId> neurons,
    ModelShape model) {

  public CapturePlan {
    ranges = List.copyOf(ranges);
    blocks = List.copyOf(blocks);
    weightLayers = List.copyOf(weightLayers);
    neurons = List.copyOf(neurons);
  }

  /**
   * Plans a capture run on a model of the given shape.
   *
   * @throws IllegalArgumentException when a selected layer or neuron does not exist in the model,
   *     or the capture settings ask for what the pipeline does not do (two-pass quantiles)
   */
  public static CapturePlan of(RunSpec spec, ModelShape shape) {
    return of(spec, shape, null);
  }

  /**
   * Plans a capture run of an SAE's latents ({@link CaptureRun#sae()}): one layer, the one its hook
   * is in, with the SAE's latents as its units; {@code sae} null plans the MLP neurons.
   *
   * @throws IllegalArgumentException also when the SAE's hook is not in the model, or the run
   *     selects other layers
   */
  public static CapturePlan of(RunSpec spec, ModelShape shape, SaeShape sae) {
    CaptureRun capture = spec.capture();
    capture.requirePipelineQuantiles();
    int[] layers;
    int[] neurons;
    if (sae == null) {
      layers = Selection.within(spec.layers(), "layers", shape.layers(), "layer");
      neurons = Selection.within(spec.neurons(), "neurons", shape.neurons(), "neuron");
    } else {
      if (sae.layer() >= shape.layers()) {
        throw new IllegalArgumentException(
            "capture.sae reads "
                + sae.hook()
                + ", but the model has layers 0.."
                + (shape.layers() - 1));
      }
      if (shape.hidden() > 0 && sae.inputWidth() != shape.hidden()) {
        throw new IllegalArgumentException(
            "capture.sae reads "
                + sae.inputWidth()
                + "-wide activations (d_in) at "
                + sae.hook()
                + ", but the model's residual stream is "
                + shape.hidden()
                + " wide: the SAE was trained on another model");
      }
      layers = new int[] {sae.layer()};
      if (spec.layers() != null
          && !Arrays.equals(
              Selection.within(spec.layers(), "layers", shape.layers(), "layer"), layers)) {
        throw new IllegalArgumentException(
            "an SAE run captures the layer of its hook, "
                + sae.layer()
                + " ("
                + sae.hook()
                + "); leave the layers out or select "
                + sae.layer());
      }
      neurons = Selection.within(spec.neurons(), "neurons", sae.latents(), "latent");
    }
    List<LayerRange> ranges = new ArrayList<>();
    for (int[] run : runs(layers)) {
      int step = capture.layersPerJob() == 0 ? run[1] - run[0] + 1 : capture.layersPerJob();
      for (int first = run[0]; first <= run[1]; first += step) {
        ranges.add(new LayerRange(first, Math.min(run[1], first + step - 1)));
      }
    }
    List<NeuronBlock> blocks = new ArrayList<>();
    List<NeuronBlock> weightLayers = new ArrayList<>();
    List<NeuronId> planned = new ArrayList<>();
    for (int layer : layers) {
      for (int[] run : runs(neurons)) {
        for (int first = run[0]; first <= run[1]; first += capture.collateBlock()) {
          int last = Math.min(run[1], first + capture.collateBlock() - 1);
          blocks.add(new NeuronBlock(layer, first, last - first + 1));
        }
      }
      for (int n : neurons) {
        planned.add(new NeuronId(layer, n));
      }
      if (capture.weights()) {
        weightLayers.add(new NeuronBlock(layer, 0, shape.neurons()));
      }
    }
    return new CapturePlan(ranges, capture.shards(), blocks, weightLayers, planned, shape);
  }

  /** Sorted indices as maximal runs of consecutive values, {@code [first, last]} each. */
  private static List<int[]> runs(int[] sorted) {
    List<int[]> runs = new ArrayList<>();
    for (int i = 0; i < sorted.length; ) {
      int j = i;
      while (j + 1 < sorted.length && sorted[j + 1] == sorted[j] + 1) {
        j++;
      }
      runs.add(new int[] {sorted[i], sorted[j]});
      i = j + 1;
    }
    return runs;
  }
}
