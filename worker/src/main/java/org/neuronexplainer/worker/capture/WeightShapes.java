package org.neuronexplainer.worker.capture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neuronexplainer.worker.capture.safetensors.TensorEntry;

/** The tensors a checkpoint must hold, with the shapes its config implies. */
final class WeightShapes {
  static final String LM_HEAD = "lm_head.weight";
  // Errors beyond this many are summarized as a count: one broken layer type repeats per layer.
  private static final int MAX_LISTED = 5;

  private WeightShapes() {}

  /** Names (without the {@code transformer.} prefix) to shapes, in forward-pass order. */
  static Map<String, long[]> expected(Gpt2Config config) {
    long c = config.embeddingSize();
    long f = config.innerSize();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put("wte.weight", new long[] {config.vocabSize(), c});
    shapes.put("wpe.weight", new long[] {config.positions(), c});
    for (int l = 0; l < config.layers(); l++) {
      String h = "h." + l + ".";
      shapes.put(h + "ln_1.weight", new long[] {c});
      shapes.put(h + "ln_1.bias", new long[] {c});
      // Hugging Face's Conv1D stores weights as [in, out].
      shapes.put(h + "attn.c_attn.weight", new long[] {c, 3 * c});
      shapes.put(h + "attn.c_attn.bias", new long[] {3 * c});
      shapes.put(h + "attn.c_proj.weight", new long[] {c, c});
      shapes.put(h + "attn.c_proj.bias", new long[] {c});
      shapes.put(h + "ln_2.weight", new long[] {c});
      shapes.put(h + "ln_2.bias", new long[] {c});
      shapes.put(h + "mlp.c_fc.weight", new long[] {c, f});
      shapes.put(h + "mlp.c_fc.bias", new long[] {f});
      shapes.put(h + "mlp.c_proj.weight", new long[] {f, c});
      shapes.put(h + "mlp.c_proj.bias", new long[] {c});
    }
    shapes.put("ln_f.weight", new long[] {c});
    shapes.put("ln_f.bias", new long[] {c});
    return shapes;
  }

  /** A Llama-family checkpoint's tensors, by their Hugging Face names, in forward-pass order. */
  static Map<String, long[]> expected(LlamaConfig config) {
    long d = config.hiddenSize();
    long f = config.intermediateSize();
    long q = (long) config.heads() * config.headDim();
    long kv = (long) config.kvHeads() * config.headDim();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put(LlamaWeights.EMBED, new long[] {config.vocabSize(), d});
    for (int l = 0; l < config.layers(); l++) {
      String p = LlamaWeights.layer(l);
      shapes.put(p + "input_layernorm.weight", new long[] {d});
      // Linear weights are [out, in].
      shapes.put(p + "self_attn.q_proj.weight", new long[] {q, d});
      shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, d});
      shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, d});
      if (config.qkvBias()) {
        shapes.put(p + "self_attn.q_proj.bias", new long[] {q});
        shapes.put(p + "self_attn.k_proj.bias", new long[] {kv});
        shapes.put(p + "self_attn.v_proj.bias", new long[] {kv});
      }
      shapes.put(p + "self_attn.o_proj.weight", new long[] {d, q});
      if (config.outputBias()) {
        shapes.put(p + "self_attn.o_proj.bias", new long[] {d});
      }
      shapes.put(p + "post_attention_layernorm.weight", new long[] {d});
      shapes.put(p + "mlp.gate_proj.weight", new long[] {f, d});
      shapes.put(p + "mlp.up_proj.weight", new long[] {f, d});
      shapes.put(p + "mlp.down_proj.weight", new long[] {d, f});
      if (config.mlpBias()) {
        shapes.put(p + "mlp.gate_proj.bias", new long[] {f});
        shapes.put(p + "mlp.up_proj.bias", new long[] {f});
        shapes.put(p + "mlp.down_proj.bias", new long[] {d});
      }
    }
    shapes.put(LlamaWeights.NORM, new long[] {d});
    if (!config.tieWordEmbeddings()) {
      shapes.put(LM_HEAD, new long[] {config.vocabSize(), d});
    }
    return shapes;
  }

  /** Fails, naming each missing or mis-shaped tensor, unless the checkpoint has them all. */
  static void check(Gpt2Config config, CheckpointTensors tensors, String where) {
    Map<String, long[]> expected = expected(config);
    if (tensors.entry(LM_HEAD).isPresent()) {
      expected.put(LM_HEAD, new long[] {config.vocabSize(), config.embeddingSize()});
    }
    check(expected, tensors, where);
  }

  /** As above, for a Llama-family checkpoint. */
  static void check(LlamaConfig config, CheckpointTensors tensors, String where) {
    check(expected(config), tensors, where);
  }

  private static void check(Map<String, long[]> expected, CheckpointTensors tensors, String where) {
    List<String> problems = new ArrayList<>();
    expected.forEach(
        (name, shape) -> {
          var entry = tensors.entry(name);
          if (entry.isEmpty()) {
            problems.add(
                "missing tensor " + name + " (expected shape " + Arrays.toString(shape) + ")");
          } else if (!Arrays.equals(entry.get().shape(), shape)) {
            problems.add(describe(entry.get(), shape));
          }
        });
    if (problems.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder(where).append(": ");
    message.append(String.join("; ", problems.subList(0, Math.min(MAX_LISTED, problems.size()))));
    if (problems.size() > MAX_LISTED) {
      message.append("; and ").append(problems.size() - MAX_LISTED).append(" more problems");
    }
    throw new CheckpointException(message.toString());
  }

  private static String describe(TensorEntry entry, long[] expected) {
    return "tensor "
        + entry.name()
        + " has shape "
        + Arrays.toString(entry.shape())
        + ", expected "
        + Arrays.toString(expected);
  }
}
