package org.neuronexplainer.worker.capture.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.worker.capture.stats.CaptureSettings;

/**
 * What every shard of a capture run agrees on: collate refuses partials of a different spec.
 *
 * @param model the checkpoint directory (collate reads its tokenizer)
 * @param corpus the corpus files, as given
 * @param excerpts the number of excerpts over all shards
 * @param shards the number of corpus shards
 * @param layers the captured layers
 * @param neurons the neurons written per layer, or null for all
 * @param subject what the units are (an SAE's latents: the SAE and its hook), for the dataset's
 *     {@link DatasetSubject#KEY} once collated; null in specs written before it was kept
 */
public record CaptureSpec(
    int version,
    String model,
    List<String> corpus,
    int excerpts,
    int shards,
    int[] layers,
    int[] neurons,
    CaptureSettings settings,
    @JsonInclude(JsonInclude.Include.NON_NULL) DatasetSubject subject) {
  static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  public byte[] toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static CaptureSpec fromJson(byte[] json, String where) {
    try {
      CaptureSpec spec = JSON.readValue(json, CaptureSpec.class);
      if (spec.version() != VERSION) {
        throw new IllegalArgumentException(where + ": capture spec version " + spec.version());
      }
      return spec;
    } catch (IOException e) {
      throw new IllegalArgumentException(where + " is not a capture spec: " + e.getMessage(), e);
    }
  }

  /** This spec for the units {@code subject} says. */
  public CaptureSpec withSubject(DatasetSubject subject) {
    return new CaptureSpec(
        version, model, corpus, excerpts, shards, layers, neurons, settings, subject);
  }

  /** Equal in content (arrays by value). */
  public boolean sameAs(CaptureSpec o) {
    return Arrays.equals(toJson(), o.toJson());
  }
}
