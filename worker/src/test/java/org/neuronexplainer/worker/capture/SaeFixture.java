package org.neuronexplainer.worker.capture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsWriter;
import org.neuronexplainer.worker.capture.safetensors.TensorSpec;

/**
 * Random sparse autoencoders written in SAELens' layout ({@code cfg.json} and {@code
 * sae_weights.safetensors}), and an encoder in float64 written from SAELens' definitions,
 * independently of {@link SaeEncoder}, to check the latents a forward pass returns. Nothing here
 * depends on the model's family: the width comes from {@link SubjectConfig#hiddenSize}.
 *
 * @param architecture {@code standard}, {@code jumprelu} or {@code topk}
 * @param hook e.g. {@code blocks.1.hook_resid_pre}
 * @param dIn the hook's width
 * @param dSae latents
 * @param k kept latents for topk, else 0
 * @param applyBDec whether b_dec is subtracted from the input
 * @param wEnc {@code [d_in][d_sae]}
 * @param bEnc {@code [d_sae]}
 * @param wDec {@code [d_sae][d_in]}
 * @param bDec {@code [d_in]}
 * @param threshold {@code [d_sae]} for jumprelu, else null
 */
public record SaeFixture(
    String architecture,
    String hook,
    int dIn,
    int dSae,
    int k,
    boolean applyBDec,
    float[][] wEnc,
    float[] bEnc,
    float[][] wDec,
    float[] bDec,
    float[] threshold) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A random SAE for a model whose hook is {@code config.hiddenSize()} wide. */
  public static SaeFixture random(
      String architecture, String hook, SubjectConfig config, int dSae, long seed) {
    int dIn = config.hiddenSize();
    Random random = new Random(seed);
    double scale = 1 / Math.sqrt(dIn);
    float[][] wEnc = new float[dIn][dSae];
    float[][] wDec = new float[dSae][dIn];
    for (int i = 0; i < dIn; i++) {
      for (int j = 0; j < dSae; j++) {
        wEnc[i][j] = (float) (random.nextGaussian() * scale);
        wDec[j][i] = (float) (random.nextGaussian() * scale);
      }
    }
    float[] bEnc = new float[dSae];
    float[] bDec = new float[dIn];
    for (int j = 0; j < dSae; j++) {
      bEnc[j] = (float) (random.nextGaussian() * 0.1);
    }
    for (int i = 0; i < dIn; i++) {
      bDec[i] = (float) (random.nextGaussian() * 0.1);
    }
    float[] threshold = null;
    if (architecture.equals("jumprelu")) {
      threshold = new float[dSae];
      for (int j = 0; j < dSae; j++) {
        threshold[j] = (float) (random.nextDouble() * 0.5);
      }
    }
    int k = architecture.equals("topk") ? Math.max(1, dSae / 4) : 0;
    return new SaeFixture(
        architecture, hook, dIn, dSae, k, true, wEnc, bEnc, wDec, bDec, threshold);
  }

  /** The same SAE with latent {@code j} never active (a very negative encoder bias). */
  public SaeFixture withDeadLatent(int j) {
    float[] bias = bEnc.clone();
    bias[j] = -1e6f;
    return new SaeFixture(
        architecture, hook, dIn, dSae, k, applyBDec, wEnc, bias, wDec, bDec, threshold);
  }

  /** Writes {@code cfg.json} (the current SAELens field names) and the weights into {@code dir}. */
  public Path write(Path dir) {
    ObjectNode cfg = JSON.createObjectNode();
    cfg.put("architecture", architecture);
    cfg.put("d_in", dIn);
    cfg.put("d_sae", dSae);
    cfg.put("hook_name", hook);
    cfg.putNull("hook_head_index");
    cfg.put("apply_b_dec_to_input", applyBDec);
    cfg.put("normalize_activations", "none");
    cfg.put("dtype", "float32");
    if (k > 0) {
      cfg.put("k", k);
    }
    return write(dir, cfg, "threshold");
  }

  /**
   * Writes the weights with {@code cfg} as {@code cfg.json}; a jumprelu SAE's threshold under
   * {@code thresholdName} ({@code threshold}, or {@code log_threshold} as its logarithm).
   */
  public Path write(Path dir, ObjectNode cfg, String thresholdName) {
    try {
      Files.createDirectories(dir);
      Files.write(
          dir.resolve("cfg.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(cfg));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<TensorSpec> specs = new ArrayList<>();
    specs.add(TensorSpec.f32("W_enc", dIn, dSae));
    specs.add(TensorSpec.f32("b_enc", dSae));
    specs.add(TensorSpec.f32("W_dec", dSae, dIn));
    specs.add(TensorSpec.f32("b_dec", dIn));
    if (threshold != null) {
      specs.add(TensorSpec.f32(thresholdName, dSae));
    }
    try (SafetensorsWriter writer =
        SafetensorsWriter.create(dir.resolve("sae_weights.safetensors"), specs, Map.of())) {
      writer.writeFloats("W_enc", 0, flatten(wEnc));
      writer.writeFloats("b_enc", 0, bEnc);
      writer.writeFloats("W_dec", 0, flatten(wDec));
      writer.writeFloats("b_dec", 0, bDec);
      if (threshold != null) {
        float[] stored = threshold.clone();
        if (thresholdName.equals("log_threshold")) {
          for (int j = 0; j < stored.length; j++) {
            stored[j] = (float) Math.log(stored[j]);
          }
        }
        writer.writeFloats(thresholdName, 0, stored);
      }
      writer.commit();
    }
    return dir;
  }

  /**
   * The latents of {@code activations} {@code [batch, tokens, d_in]}, in float64, by SAELens'
   * definitions: pre = (x - b_dec) W_enc + b_enc; standard relu(pre); jumprelu relu(pre) where pre
   * > threshold; topk relu of the k largest pre-activations of each token. {@code margins} gets,
   * per latent, how far pre was from the decision that kept or zeroed it (the threshold, or the
   * k-th largest), so a comparison can tell float32 rounding at a boundary from a wrong encoder.
   */
  public double[] encode(FloatTensor activations, double[] margins) {
    int rows = activations.data().length / dIn;
    double[] out = new double[rows * dSae];
    float[] x = activations.data();
    for (int r = 0; r < rows; r++) {
      double[] pre = new double[dSae];
      for (int j = 0; j < dSae; j++) {
        double sum = bEnc[j];
        for (int i = 0; i < dIn; i++) {
          double in = x[r * dIn + i] - (applyBDec ? (double) bDec[i] : 0);
          sum += in * wEnc[i][j];
        }
        pre[j] = sum;
      }
      double kth = Double.NaN;
      if (architecture.equals("topk")) {
        double[] sorted = pre.clone();
        java.util.Arrays.sort(sorted);
        kth = sorted[dSae - k];
        double next = k < dSae ? sorted[dSae - k - 1] : Double.NEGATIVE_INFINITY;
        kth = (kth + next) / 2; // the boundary between kept and dropped
      }
      for (int j = 0; j < dSae; j++) {
        double relu = Math.max(0, pre[j]);
        double value;
        double margin;
        switch (architecture) {
          case "standard" -> {
            value = relu;
            margin = Math.abs(pre[j]);
          }
          case "jumprelu" -> {
            value = pre[j] > threshold[j] ? relu : 0;
            margin = Math.abs(pre[j] - threshold[j]);
          }
          case "topk" -> {
            value = pre[j] > kth ? relu : 0;
            margin = Math.abs(pre[j] - kth);
          }
          default -> throw new IllegalArgumentException(architecture);
        }
        out[r * dSae + j] = value;
        margins[r * dSae + j] = margin;
      }
    }
    return out;
  }

  private static float[] flatten(float[][] rows) {
    int cols = rows[0].length;
    float[] flat = new float[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    return flat;
  }
}
