package org.neuronexplainer.common.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the "neurons" of a dataset are, kept at {@link #KEY} of the dataset's root by capture: a
 * model's MLP neurons, or the latents of a sparse autoencoder (SAE) read at one hook of a model. An
 * SAE's dataset lives in the folder {@link #saeFolder} of the store that holds the model's own
 * dataset, in the same public layout, with the hook's layer as its layer.
 *
 * @param kind {@link #MLP_NEURONS} or {@link #SAE_LATENTS}
 * @param model the subject model as the capture named it (a checkpoint directory or hub id)
 * @param architecture the model's architecture, e.g. {@code LlamaForCausalLM}
 * @param sae the SAE's name (its folder under {@code saes/}); null for MLP neurons
 * @param saeSource where the SAE was read from, as given; null for MLP neurons
 * @param saeArchitecture {@code standard}, {@code jumprelu} or {@code topk}; null for MLP neurons
 * @param hook the hook the SAE reads, e.g. {@code blocks.8.hook_resid_pre}; null for MLP neurons
 * @param layer the hook's layer; null for MLP neurons
 * @param width the SAE's latents ({@code d_sae}), or the model's MLP neurons per layer
 * @param excerpts the excerpts the capture read
 * @param deadLatents the latents never active over the corpus, sorted: no record is written for
 *     them and no run explains them; empty for MLP neurons
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetSubject(
    String kind,
    String model,
    String architecture,
    String sae,
    String saeSource,
    String saeArchitecture,
    String hook,
    Integer layer,
    int width,
    long excerpts,
    List<Integer> deadLatents) {

  /** Where a dataset keeps this record. */
  public static final String KEY = "subject.json";

  public static final String MLP_NEURONS = "mlp-neurons";
  public static final String SAE_LATENTS = "sae-latents";

  /** The folder of the store that holds SAE datasets, one folder each. */
  public static final String SAES = "saes/";

  private static final Set<String> KINDS = Set.of(MLP_NEURONS, SAE_LATENTS);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public DatasetSubject {
    if (kind == null || !KINDS.contains(kind)) {
      throw new IllegalArgumentException("subject kind must be one of " + KINDS + ": " + kind);
    }
    if (kind.equals(SAE_LATENTS)) {
      checkSaeName(sae);
      if (hook == null || layer == null || layer < 0) {
        throw new IllegalArgumentException("SAE latents need the hook and its layer");
      }
    }
    if (width < 1) {
      throw new IllegalArgumentException("subject width must be positive: " + width);
    }
    deadLatents = deadLatents == null ? List.of() : List.copyOf(deadLatents);
  }

  /** A model's MLP neurons. */
  public static DatasetSubject mlpNeurons(
      String model, String architecture, int width, long excerpts) {
    return new DatasetSubject(
        MLP_NEURONS, model, architecture, null, null, null, null, null, width, excerpts, List.of());
  }

  /**
   * Refuses an SAE name that cannot be a folder: 1-100 letters, digits, '.', '_' or '-', starting
   * with a letter or digit.
   */
  public static String checkSaeName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "malformed SAE name '"
              + name
              + "': an SAE name is 1-100 letters, digits, '.', '_' or '-', starting with a letter"
              + " or digit");
    }
    return name;
  }

  /** The folder, relative to the store's root, of the SAE named {@code name}. */
  public static String saeFolder(String name) {
    return SAES + checkSaeName(name) + "/";
  }

  /** This record with {@code dead} (in any order) as its dead latents. */
  public DatasetSubject withDeadLatents(List<Integer> dead) {
    return new DatasetSubject(
        kind,
        model,
        architecture,
        sae,
        saeSource,
        saeArchitecture,
        hook,
        layer,
        width,
        excerpts,
        dead.stream().sorted().toList());
  }

  public boolean holdsSaeLatents() {
    return kind.equals(SAE_LATENTS);
  }

  /** What one unit is called: "latent" or "neuron". */
  public String unitName() {
    return holdsSaeLatents() ? "latent" : "neuron";
  }

  public byte[] toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a stored record.
   *
   * @throws IllegalArgumentException naming {@code where} and the problem
   */
  public static DatasetSubject fromJson(byte[] json, String where) {
    try {
      return JSON.readValue(json, DatasetSubject.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + " is not a dataset subject record: " + e.getMessage(), e);
    }
  }
}
