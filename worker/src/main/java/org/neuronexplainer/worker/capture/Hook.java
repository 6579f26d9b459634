package org.neuronexplainer.worker.capture;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in the forward pass whose activations a caller can ask for.
 *
 * @param kind what is read there
 * @param layer the block, 0-based
 */
public record Hook(Kind kind, int layer) implements Comparable<Hook> {

  /** What a hook reads. The residual-stream hooks are {@code [batch, tokens, hidden]}. */
  public enum Kind {
    /**
     * The MLP's neurons, {@code [batch, tokens, neurons]}: GPT-2's gelu_new output, or a
     * Llama-family model's {@code silu(gate_proj(x)) * up_proj(x)}, the input of down_proj.
     */
    MLP_NEURONS("mlp_neurons"),
    /** The residual stream entering the block ({@code blocks.L.hook_resid_pre}). */
    RESID_PRE("hook_resid_pre"),
    /** The residual stream leaving the block ({@code blocks.L.hook_resid_post}). */
    RESID_POST("hook_resid_post"),
    /** The MLP's output, added to the residual stream ({@code blocks.L.hook_mlp_out}). */
    MLP_OUT("hook_mlp_out");

    private final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }
  }

  // TransformerLens names, as SAELens configs give them.
  private static final Pattern NAME = Pattern.compile("blocks\\.(\\d+)\\.(hook_\\w+)");

  public Hook {
    if (kind == null || layer < 0) {
      throw new IllegalArgumentException("a hook needs a kind and a non-negative layer");
    }
  }

  public static Hook mlpNeurons(int layer) {
    return new Hook(Kind.MLP_NEURONS, layer);
  }

  /**
   * Reads a TransformerLens hook name: {@code blocks.L.hook_resid_pre}, {@code
   * blocks.L.hook_resid_post} or {@code blocks.L.hook_mlp_out}.
   *
   * @throws IllegalArgumentException naming the hook and the ones that are read
   */
  public static Hook parse(String name) {
    Matcher m = NAME.matcher(name == null ? "" : name.trim());
    if (m.matches()) {
      for (Kind kind : Kind.values()) {
        if (kind != Kind.MLP_NEURONS && kind.suffix.equals(m.group(2))) {
          return new Hook(kind, Integer.parseInt(m.group(1)));
        }
      }
    }
    throw new IllegalArgumentException(
        "hook "
            + name
            + " is not one this forward pass reads: blocks.L.hook_resid_pre,"
            + " blocks.L.hook_resid_post or blocks.L.hook_mlp_out");
  }

  /**
   * The TransformerLens name, e.g. {@code blocks.8.hook_resid_pre}; MLP neurons as {@code
   * blocks.8.mlp_neurons}.
   */
  public String name() {
    return "blocks." + layer + "." + kind.suffix;
  }

  @Override
  public int compareTo(Hook o) {
    int byLayer = Integer.compare(layer, o.layer);
    return byLayer != 0 ? byLayer : kind.compareTo(o.kind);
  }

  @Override
  public String toString() {
    return name();
  }
}
