package org.neuronexplainer.worker.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;

/**
 * A Llama-family forward pass in float64 plain loops, written from the published formulas and
 * reading config.json and the safetensors files itself: the independent computation the forward
 * pass is checked against on checkpoints Hugging Face did not compute. One sequence at a time.
 */
final class LlamaReference {
  /** What one layer computes, each {@code [tokens][width]}. */
  record Layer(double[][] residPre, double[][] neurons, double[][] mlpOut, double[][] residPost) {}

  record Result(List<Layer> layers, double[][] logits) {}

  private final JsonNode config;
  private final Map<String, double[]> tensors = new HashMap<>();
  private final int d;
  private final int f;
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final int vocab;
  private final double eps;

  LlamaReference(Path dir) {
    try {
      config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(LlamaReference::isWeights).toList()) {
          try (SafetensorsFile st = SafetensorsFile.open(file)) {
            for (String name : st.entries().keySet()) {
              float[] values = st.floats(name);
              double[] wide = new double[values.length];
              for (int i = 0; i < values.length; i++) {
                wide[i] = values[i];
              }
              tensors.put(name, wide);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    d = config.get("hidden_size").asInt();
    f = config.get("intermediate_size").asInt();
    heads = config.get("num_attention_heads").asInt();
    kvHeads = config.path("num_key_value_heads").asInt(heads);
    headDim = config.path("head_dim").asInt(d / heads);
    vocab = config.get("vocab_size").asInt();
    eps = config.get("rms_norm_eps").asDouble();
  }

  private static boolean isWeights(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith("model") && name.endsWith(".safetensors");
  }

  Result run(int[] ids) {
    int t = ids.length;
    double[] embed = tensors.get("model.embed_tokens.weight");
    double[][] h = new double[t][d];
    for (int i = 0; i < t; i++) {
      System.arraycopy(embed, ids[i] * d, h[i], 0, d);
    }
    double[] frequencies = frequencies();
    List<Layer> layers = new ArrayList<>();
    for (int l = 0; l < config.get("num_hidden_layers").asInt(); l++) {
      String p = "model.layers." + l + ".";
      double[][] pre = h;
      double[][] x = rmsNorm(pre, tensors.get(p + "input_layernorm.weight"));
      double[][] q = project(x, p + "self_attn.q_proj", heads * headDim);
      double[][] k = project(x, p + "self_attn.k_proj", kvHeads * headDim);
      double[][] v = project(x, p + "self_attn.v_proj", kvHeads * headDim);
      rotate(q, heads, frequencies);
      rotate(k, kvHeads, frequencies);
      double[][] context = attend(q, k, v);
      double[][] attnOut = project(context, p + "self_attn.o_proj", d);
      double[][] mid = add(pre, attnOut);
      double[][] y = rmsNorm(mid, tensors.get(p + "post_attention_layernorm.weight"));
      double[][] gate = project(y, p + "mlp.gate_proj", f);
      double[][] up = project(y, p + "mlp.up_proj", f);
      double[][] neurons = new double[t][f];
      for (int i = 0; i < t; i++) {
        for (int n = 0; n < f; n++) {
          double g = gate[i][n];
          neurons[i][n] = g / (1 + Math.exp(-g)) * up[i][n];
        }
      }
      double[][] mlpOut = project(neurons, p + "mlp.down_proj", d);
      h = add(mid, mlpOut);
      layers.add(new Layer(pre, neurons, mlpOut, h));
    }
    double[][] normed = rmsNorm(h, tensors.get("model.norm.weight"));
    double[] head =
        config.path("tie_word_embeddings").asBoolean(false) ? embed : tensors.get("lm_head.weight");
    return new Result(layers, matmul(normed, head, vocab, null));
  }

  /** Inverse frequencies theta^(-2i/headDim), with Llama 3.1's rescaling when declared. */
  private double[] frequencies() {
    JsonNode rope = config.path("rope_parameters");
    if (!rope.isObject()) {
      rope = config.path("rope_scaling");
    }
    double theta =
        rope.path("rope_theta").isNumber()
            ? rope.path("rope_theta").asDouble()
            : config.path("rope_theta").asDouble(10000);
    double[] inverse = new double[headDim / 2];
    for (int i = 0; i < inverse.length; i++) {
      inverse[i] = Math.pow(theta, -2.0 * i / headDim);
    }
    if (rope.path("rope_type").asText("default").equals("llama3")) {
      double factor = rope.get("factor").asDouble();
      double low = rope.get("low_freq_factor").asDouble();
      double high = rope.get("high_freq_factor").asDouble();
      double original = rope.get("original_max_position_embeddings").asDouble();
      for (int i = 0; i < inverse.length; i++) {
        double wavelength = 2 * Math.PI / inverse[i];
        if (wavelength > original / low) {
          inverse[i] /= factor;
        } else if (wavelength >= original / high) {
          double s = (original / wavelength - low) / (high - low);
          inverse[i] = (1 - s) * inverse[i] / factor + s * inverse[i];
        }
      }
    }
    return inverse;
  }

  /** Rotates each head's pair (j, j + headDim/2) by position * frequency j, in place. */
  private void rotate(double[][] x, int n, double[] inverse) {
    int half = headDim / 2;
    for (int pos = 0; pos < x.length; pos++) {
      for (int head = 0; head < n; head++) {
        int base = head * headDim;
        for (int j = 0; j < half; j++) {
          double angle = pos * inverse[j];
          double a = x[pos][base + j];
          double b = x[pos][base + j + half];
          x[pos][base + j] = a * Math.cos(angle) - b * Math.sin(angle);
          x[pos][base + j + half] = b * Math.cos(angle) + a * Math.sin(angle);
        }
      }
    }
  }

  /** Causal softmax attention; query head h reads key/value head h / (heads / kvHeads). */
  private double[][] attend(double[][] q, double[][] k, double[][] v) {
    int t = q.length;
    int window = config.path("sliding_window").asInt(0);
    boolean windowed = config.path("model_type").asText().equals("mistral") && window > 0;
    double[][] out = new double[t][heads * headDim];
    for (int head = 0; head < heads; head++) {
      int kvHead = head / (heads / kvHeads);
      for (int i = 0; i < t; i++) {
        int first = windowed ? Math.max(0, i - window + 1) : 0;
        double[] scores = new double[i + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = first; j <= i; j++) {
          double s = 0;
          for (int c = 0; c < headDim; c++) {
            s += q[i][head * headDim + c] * k[j][kvHead * headDim + c];
          }
          scores[j] = s / Math.sqrt(headDim);
          max = Math.max(max, scores[j]);
        }
        double sum = 0;
        for (int j = first; j <= i; j++) {
          scores[j] = Math.exp(scores[j] - max);
          sum += scores[j];
        }
        for (int j = first; j <= i; j++) {
          for (int c = 0; c < headDim; c++) {
            out[i][head * headDim + c] += scores[j] / sum * v[j][kvHead * headDim + c];
          }
        }
      }
    }
    return out;
  }

  private double[][] rmsNorm(double[][] x, double[] gain) {
    double[][] out = new double[x.length][d];
    for (int i = 0; i < x.length; i++) {
      double sum = 0;
      for (double value : x[i]) {
        sum += value * value;
      }
      double scale = 1 / Math.sqrt(sum / d + eps);
      for (int c = 0; c < d; c++) {
        out[i][c] = x[i][c] * scale * gain[c];
      }
    }
    return out;
  }

  /** {@code x W^T + b} for the Linear layer {@code name}, whose bias may be absent. */
  private double[][] project(double[][] x, String name, int out) {
    return matmul(x, tensors.get(name + ".weight"), out, tensors.get(name + ".bias"));
  }

  private static double[][] matmul(double[][] x, double[] weight, int out, double[] bias) {
    int in = x[0].length;
    double[][] y = new double[x.length][out];
    for (int i = 0; i < x.length; i++) {
      for (int o = 0; o < out; o++) {
        double s = bias == null ? 0 : bias[o];
        for (int c = 0; c < in; c++) {
          s += x[i][c] * weight[o * in + c];
        }
        y[i][o] = s;
      }
    }
    return y;
  }

  private static double[][] add(double[][] a, double[][] b) {
    double[][] sum = new double[a.length][a[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int c = 0; c < a[0].length; c++) {
        sum[i][c] = a[i][c] + b[i][c];
      }
    }
    return sum;
  }
}
