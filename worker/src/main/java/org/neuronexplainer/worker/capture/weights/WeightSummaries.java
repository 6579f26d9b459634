package org.neuronexplainer.worker.capture.weights;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neuronexplainer.common.dataset.NeuronConnections;
import org.neuronexplainer.common.dataset.RelatedNeurons;
import org.neuronexplainer.common.dataset.TokensAndWeights;
import org.neuronexplainer.common.dataset.WeightBasedSummaryOfNeuron;
import org.neuronexplainer.common.dataset.json.DatasetJson;
import org.neuronexplainer.common.storage.BlobStore;
import org.neuronexplainer.worker.capture.FloatTensor;
import org.neuronexplainer.worker.capture.SubjectModel;
import org.neuronexplainer.worker.capture.WeightProduct;
import org.neuronexplainer.worker.capture.run.CaptureLayout;
import org.neuronexplainer.worker.capture.tokenizer.SubjectTokenizer;

/**
 * The weight-based datasets of docs/method.md 11 for the selected layers: per neuron the input and
 * output token weights (WeightBasedSummaryOfNeuron) and the upstream (c_fc: every earlier layer)
 * and downstream (c_proj: every later layer) neuron connections (RelatedNeurons), top k most
 * positive and most negative each. Every product is one matrix multiplication over whole layers
 * ({@link WeightProduct}); each layer pair is computed once and feeds both of its sides.
 */
public final class WeightSummaries {
  private WeightSummaries() {}

  /** Writes both files for every neuron of {@code layers}; returns the number of neurons. */
  public static int write(
      SubjectModel model, SubjectTokenizer tokenizer, int[] layers, int k, BlobStore store) {
    int layerCount = model.config().layers();
    int width = model.config().neurons();
    int vocab = Math.min(model.config().vocabSize(), tokenizer.vocabSize());
    Map<Integer, Sides> sides = new HashMap<>();
    for (int layer : layers) {
      sides.put(layer, new Sides(width, k));
    }
    for (int source = 0; source < layerCount; source++) {
      for (int target = source + 1; target < layerCount; target++) {
        Sides down = sides.get(source);
        Sides up = sides.get(target);
        if (down == null && up == null) {
          continue;
        }
        FloatTensor m = model.weightProduct(new WeightProduct.Neurons(source, target));
        float[] data = m.data();
        for (int n1 = 0; n1 < width; n1++) {
          for (int n2 = 0; n2 < width; n2++) {
            float v = data[n1 * width + n2];
            if (up != null) {
              up.offerUp(n2, v, key(source, n1));
            }
            if (down != null) {
              down.offerDown(n1, v, key(target, n2));
            }
          }
        }
      }
    }
    for (int layer : layers) {
      FloatTensor in = model.weightProduct(new WeightProduct.InputTokens(layer));
      FloatTensor out = model.weightProduct(new WeightProduct.OutputTokens(layer));
      int stride = in.dim(1);
      for (int n = 0; n < width; n++) {
        WeightBasedSummaryOfNeuron summary =
            new WeightBasedSummaryOfNeuron(
                tokens(in.data(), n * stride, vocab, k, 1, tokenizer),
                tokens(in.data(), n * stride, vocab, k, -1, tokenizer),
                tokens(out.data(), n * stride, vocab, k, 1, tokenizer),
                tokens(out.data(), n * stride, vocab, k, -1, tokenizer));
        String tokensKey = CaptureLayout.weightTokens(layer, n);
        store.put(tokensKey, DatasetJson.toBytes(summary, tokensKey));
        Sides s = sides.get(layer);
        RelatedNeurons related =
            new RelatedNeurons(
                layer == 0 ? null : s.upstream(n),
                layer == layerCount - 1 ? null : s.downstream(n));
        String neuronsKey = CaptureLayout.relatedNeurons(layer, n);
        store.put(neuronsKey, DatasetJson.toBytes(related, neuronsKey));
      }
    }
    return layers.length * width;
  }

  private static long key(int layer, int neuron) {
    return ((long) layer << 32) | neuron;
  }

  private static String name(long key) {
    return (key >>> 32) + "_" + (int) key;
  }

  /** The top k of one row over the vocabulary, largest (sign 1) or most negative (sign -1). */
  private static TokensAndWeights tokens(
      float[] data, int offset, int vocab, int k, int sign, SubjectTokenizer tokenizer) {
    TopLists top = new TopLists(1, k);
    for (int t = 0; t < vocab; t++) {
      top.offer(0, sign * data[offset + t], t);
    }
    List<String> tokens = new ArrayList<>();
    double[] strengths = new double[top.size(0)];
    for (int r = 0; r < strengths.length; r++) {
      tokens.add(tokenizer.tokenText((int) top.key(0, r)));
      strengths[r] = sign * top.value(0, r);
    }
    return new TokensAndWeights(tokens, strengths);
  }

  /** One layer's upstream and downstream lists, positive and negative. */
  private static final class Sides {
    final TopLists upPositive;
    final TopLists upNegative;
    final TopLists downPositive;
    final TopLists downNegative;

    Sides(int width, int k) {
      upPositive = new TopLists(width, k);
      upNegative = new TopLists(width, k);
      downPositive = new TopLists(width, k);
      downNegative = new TopLists(width, k);
    }

    void offerUp(int neuron, float v, long key) {
      upPositive.offer(neuron, v, key);
      upNegative.offer(neuron, -v, key);
    }

    void offerDown(int neuron, float v, long key) {
      downPositive.offer(neuron, v, key);
      downNegative.offer(neuron, -v, key);
    }

    NeuronConnections upstream(int n) {
      return connections(upPositive, upNegative, n);
    }

    NeuronConnections downstream(int n) {
      return connections(downPositive, downNegative, n);
    }

    private static NeuronConnections connections(TopLists pos, TopLists neg, int n) {
      List<String> posNames = new ArrayList<>();
      double[] posWeights = new double[pos.size(n)];
      for (int r = 0; r < posWeights.length; r++) {
        posNames.add(name(pos.key(n, r)));
        posWeights[r] = pos.value(n, r);
      }
      List<String> negNames = new ArrayList<>();
      double[] negWeights = new double[neg.size(n)];
      for (int r = 0; r < negWeights.length; r++) {
        negNames.add(name(neg.key(n, r)));
        negWeights[r] = -neg.value(n, r);
      }
      return new NeuronConnections(posNames, posWeights, negNames, negWeights);
    }
  }
}
