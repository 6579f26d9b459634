package org.neuronexplainer.worker.capture;

/**
 * What the statistics could still keep of one batch at one hook, so that the forward pass reduces
 * the activations where they are ({@link ReducedBatch}) and copies only the excerpts that may be
 * kept. Every bound is conservative: an excerpt outside it is refused by the host's statistics
 * whatever the other excerpts are, so a bound read from statistics a batch old is still valid.
 *
 * @param tokens the batch's excerpts' tokens, {@code [batch][context]}, for the token sums
 * @param topK the number of top excerpts a neuron keeps: only the batch's {@code topK} highest
 *     maxima (ties included) can enter
 * @param topFloor per neuron, the lowest max that can still enter its top excerpts (negative
 *     infinity while they have room)
 * @param sampled per excerpt and neuron, {@code [b * neurons + j]}, whether the excerpt's sampling
 *     priority lets it into the neuron's pool (the sample is drawn on the host, from the seed)
 * @param residentTokenSums add the token sums to the model's table on the device ({@code
 *     SubjectModel#takeDeviceTokenSums}) instead of copying them out with the batch
 * @param batchMoments bring the power sums back summed over the batch's excerpts, per neuron,
 *     instead of per excerpt ({@link ReducedBatch#summedOverBatch}): the engine's summation order
 *     then covers the whole batch, so the moments differ from the host path's within a wider
 *     tolerance
 */
public record DeviceBounds(
    int[][] tokens,
    int topK,
    float[] topFloor,
    boolean[] sampled,
    boolean residentTokenSums,
    boolean batchMoments) {
  public DeviceBounds {
    if (tokens.length == 0 || sampled.length != tokens.length * topFloor.length || topK < 1) {
      throw new IllegalArgumentException(
          "bounds for "
              + tokens.length
              + " excerpts and "
              + topFloor.length
              + " neurons hold "
              + sampled.length
              + " sampling flags, top "
              + topK);
    }
  }

  public DeviceBounds(int[][] tokens, int topK, float[] topFloor, boolean[] sampled) {
    this(tokens, topK, topFloor, sampled, false, false);
  }
}
