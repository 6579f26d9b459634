package org.neuronexplainer.worker.capture;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * What one forward pass hands back: the activations at some hooks, the latents of some SAEs, and
 * the logits or not. An SAE's hook is read for it on the device; the hook's activations themselves
 * come back only when {@code hooks} names it.
 *
 * @param hooks the hooks whose activations to copy out, each once
 * @param saes the SAEs (loaded into the model that runs the pass) whose latents to copy out, each
 *     name once
 * @param logits also compute the logits (which runs every block)
 * @param prefix leading positions of every sequence whose activations and latents are not handed
 *     back (a BOS token run before each excerpt); the logits keep every position
 * @param reduced hooks of {@code hooks} whose activations are reduced on the device ({@link
 *     DeviceReduction}) within these bounds instead of copied out whole
 */
public record ForwardRequest(
    List<Hook> hooks, List<Sae> saes, boolean logits, int prefix, Map<Hook, DeviceBounds> reduced) {

  public ForwardRequest {
    if (prefix < 0) {
      throw new IllegalArgumentException("a prefix is 0 or more positions: " + prefix);
    }
    hooks = List.copyOf(new TreeSet<>(hooks));
    saes = List.copyOf(saes);
    reduced = Map.copyOf(reduced);
    if (!hooks.containsAll(reduced.keySet())) {
      throw new IllegalArgumentException("reduced hooks " + reduced.keySet() + " not asked for");
    }
    Set<String> names = new HashSet<>();
    for (Sae sae : saes) {
      if (!names.add(sae.name())) {
        throw new IllegalArgumentException("two SAEs named " + sae.name() + " in one request");
      }
    }
  }

  public ForwardRequest(List<Hook> hooks, List<Sae> saes, boolean logits, int prefix) {
    this(hooks, saes, logits, prefix, Map.of());
  }

  public ForwardRequest(List<Hook> hooks, List<Sae> saes, boolean logits) {
    this(hooks, saes, logits, 0);
  }

  public ForwardRequest(List<Hook> hooks, boolean logits) {
    this(hooks, List.of(), logits);
  }

  /** This request with the first {@code positions} of each sequence left out of what comes back. */
  public ForwardRequest withPrefix(int positions) {
    return new ForwardRequest(hooks, saes, logits, positions, reduced);
  }

  /** This request with the activations of the hooks in {@code bounds} reduced on the device. */
  public ForwardRequest withReduced(Map<Hook, DeviceBounds> bounds) {
    return new ForwardRequest(hooks, saes, logits, prefix, bounds);
  }

  /** The MLP neurons of {@code layers}. */
  public static ForwardRequest mlp(int[] layers, boolean logits) {
    return new ForwardRequest(Arrays.stream(layers).mapToObj(Hook::mlpNeurons).toList(), logits);
  }

  /** The latents of {@code saes}, no raw activations, no logits. */
  public static ForwardRequest latents(List<Sae> saes) {
    return new ForwardRequest(List.of(), saes, false);
  }

  /** Whether the pass must stop at {@code hook}: its activations or an SAE's latents are wanted. */
  boolean reads(Hook hook) {
    return hooks.contains(hook) || saes.stream().anyMatch(sae -> sae.hook().equals(hook));
  }

  /** Where each copy goes in {@link ActivationBuffers}: the hooks first, then the SAEs. */
  int slotOf(Sae sae) {
    return hooks.size()
        + IntStream.range(0, saes.size()).filter(i -> saes.get(i) == sae).findFirst().orElseThrow();
  }

  /** Every hook a pass reads, for its own sake or an SAE's. */
  List<Hook> hooksRead() {
    return Stream.concat(hooks.stream(), saes.stream().map(Sae::hook)).distinct().toList();
  }

  /** The last block the pass must run: every block for logits, else up to the latest hook. */
  int lastBlock(int layers) {
    if (logits) {
      return layers - 1;
    }
    // A block offers its input (resid_pre) as it starts, so that hook runs its block too.
    return hooksRead().stream().mapToInt(Hook::layer).max().orElse(-1);
  }
}
