package org.neuronexplainer.worker.capture;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * What one forward pass hands back: the activations at some hooks, and the logits or not.
 *
 * @param hooks the hooks whose activations to copy out, each once
 * @param logits also compute the logits (which runs every block)
 */
public record ForwardRequest(List<Hook> hooks, boolean logits) {

  public ForwardRequest {
    hooks = List.copyOf(new TreeSet<>(hooks));
  }

  /** The MLP neurons of {@code layers}. */
  public static ForwardRequest mlp(int[] layers, boolean logits) {
    return new ForwardRequest(Arrays.stream(layers).mapToObj(Hook::mlpNeurons).toList(), logits);
  }

  /** The last block the pass must run: every block for logits, else up to the latest hook. */
  int lastBlock(int layers) {
    if (logits) {
      return layers - 1;
    }
    // A block offers its input (resid_pre) as it starts, so that hook runs its block too.
    return hooks.stream().mapToInt(Hook::layer).max().orElse(-1);
  }
}
