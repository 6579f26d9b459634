package org.neuronexplainer.worker.capture.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronConnections;
import org.neuronexplainer.common.dataset.RelatedNeurons;
import org.neuronexplainer.common.dataset.TokensAndWeights;
import org.neuronexplainer.common.dataset.WeightBasedSummaryOfNeuron;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.common.storage.InMemoryBlobStore;
import org.neuronexplainer.worker.capture.ComputeOptions;
import org.neuronexplainer.worker.capture.Fixtures;
import org.neuronexplainer.worker.capture.Gpt2Model;
import org.neuronexplainer.worker.capture.run.CaptureLayout;
import org.neuronexplainer.worker.capture.safetensors.SafetensorsFile;
import org.neuronexplainer.worker.capture.tokenizer.Gpt2Tokenizer;

/** Weight-based summaries of the tiny fixture GPT-2 against double-precision loops over pairs. */
class WeightSummariesTest {
  static final int K = 6;
  static final int D = 48;
  static final int F = 192;
  static final int V = 512;

  @Test
  void summariesEqualBruteForce() throws Exception {
    Path dir = Fixtures.hfGpt2Reference();
    BlobStore store = new InMemoryBlobStore();
    Gpt2Tokenizer tokenizer = Gpt2Tokenizer.load(dir);
    try (Gpt2Model model = Gpt2Model.load(dir, ComputeOptions.cpu())) {
      assertEquals(2 * F, WeightSummaries.write(model, tokenizer, new int[] {0, 1}, K, store));
    }
    try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      float[] wte = file.floats("transformer.wte.weight");
      float[] lnf = file.floats("transformer.ln_f.weight");
      float[][] win = {
        file.floats("transformer.h.0.mlp.c_fc.weight"),
        file.floats("transformer.h.1.mlp.c_fc.weight")
      };
      float[][] wout = {
        file.floats("transformer.h.0.mlp.c_proj.weight"),
        file.floats("transformer.h.1.mlp.c_proj.weight")
      };
      float[][] ln2 = {
        file.floats("transformer.h.0.ln_2.weight"), file.floats("transformer.h.1.ln_2.weight")
      };
      for (int layer = 0; layer < 2; layer++) {
        for (int n : new int[] {0, 77, 191}) {
          double[] in = new double[V];
          double[] out = new double[V];
          for (int t = 0; t < V; t++) {
            for (int d = 0; d < D; d++) {
              in[t] += (double) wte[t * D + d] * ln2[layer][d] * win[layer][d * F + n];
              out[t] += (double) wout[layer][n * D + d] * lnf[d] * wte[t * D + d];
            }
          }
          String key = CaptureLayout.weightTokens(layer, n);
          WeightBasedSummaryOfNeuron summary =
              DatasetJson.read(store.get(key).orElseThrow(), key, WeightBasedSummaryOfNeuron.class);
          check(summary.inputPositive(), in, 1, tokenizer);
          check(summary.inputNegative(), in, -1, tokenizer);
          check(summary.outputPositive(), out, 1, tokenizer);
          check(summary.outputNegative(), out, -1, tokenizer);
          // Neuron to neuron: 0 -> 1 is the only pair.
          double[] strengths = new double[F];
          for (int other = 0; other < F; other++) {
            int src = layer == 0 ? n : other;
            int dst = layer == 0 ? other : n;
            for (int d = 0; d < D; d++) {
              strengths[other] += (double) wout[0][src * D + d] * ln2[1][d] * win[1][d * F + dst];
            }
          }
          String rkey = CaptureLayout.relatedNeurons(layer, n);
          RelatedNeurons related =
              DatasetJson.read(store.get(rkey).orElseThrow(), rkey, RelatedNeurons.class);
          NeuronConnections side = layer == 0 ? related.cProj() : related.cFc();
          assertNull(layer == 0 ? related.cFc() : related.cProj());
          String prefix = layer == 0 ? "1_" : "0_";
          checkNeurons(side.topPositiveNeurons(), side.topPositiveWeights(), strengths, 1, prefix);
          checkNeurons(side.topNegativeNeurons(), side.topNegativeWeights(), strengths, -1, prefix);
        }
      }
    }
  }

  private static List<Integer> order(double[] values, int sign) {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      ids.add(i);
    }
    ids.sort(Comparator.comparingDouble(i -> -sign * values[i]));
    return ids.subList(0, K);
  }

  private static void check(TokensAndWeights got, double[] values, int sign, Gpt2Tokenizer tok) {
    List<Integer> expected = order(values, sign);
    for (int r = 0; r < K; r++) {
      assertEquals(tok.tokenText(expected.get(r)), got.tokens().get(r));
      assertEquals(values[expected.get(r)], got.strengths()[r], 1e-5);
    }
  }

  private static void checkNeurons(
      List<String> names, double[] weights, double[] values, int sign, String prefix) {
    List<Integer> expected = order(values, sign);
    for (int r = 0; r < K; r++) {
      assertEquals(prefix + expected.get(r), names.get(r));
      assertEquals(values[expected.get(r)], weights[r], 1e-5);
    }
  }
}
