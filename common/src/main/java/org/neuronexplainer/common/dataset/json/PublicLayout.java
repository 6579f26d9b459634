package org.neuronexplainer.common.dataset.json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * What a file's place in the public dataset layout (docs/method.md 8.1) says it holds: {@code
 * collated-activations/{layer}/{neuron}.json}, {@code explanations/{layer}/{neuron}.jsonl}, {@code
 * related-tokens/activation-based/...}, {@code related-tokens/weight-based/...} and {@code
 * related-neurons/weight-based/...}. Only the last path segments are looked at, so the prefix
 * ({@code data/}, {@code gpt2_small_data/}, a local folder) does not matter.
 */
public final class PublicLayout {
  private static final Pattern NEURON_FILE = Pattern.compile("(\\d+)\\.(jsonl?)");
  private static final Pattern LAYER = Pattern.compile("\\d+");

  /** The type and neuron a path implies. */
  public record Place(DatasetType type, NeuronId neuronId) {}

  private PublicLayout() {}

  /** The place of a path in the public layout, or empty if it is not laid out that way. */
  public static Optional<Place> of(Path path) {
    List<String> names = new ArrayList<>();
    path.normalize().forEach(segment -> names.add(segment.toString()));
    int n = names.size();
    if (n < 3 || !LAYER.matcher(names.get(n - 2)).matches()) {
      return Optional.empty();
    }
    Matcher file = NEURON_FILE.matcher(names.get(n - 1));
    if (!file.matches()) {
      return Optional.empty();
    }
    String folder = names.get(n - 3);
    String parent = n >= 4 ? names.get(n - 4) : "";
    DatasetType type = typeOf(parent, folder, file.group(2).equals("jsonl"));
    if (type == null) {
      return Optional.empty();
    }
    try {
      NeuronId id =
          new NeuronId(Integer.parseInt(names.get(n - 2)), Integer.parseInt(file.group(1)));
      return Optional.of(new Place(type, id));
    } catch (NumberFormatException e) {
      return Optional.empty(); // an index too large for an int is not a layout path
    }
  }

  private static DatasetType typeOf(String parent, String folder, boolean jsonLines) {
    if (jsonLines) {
      return folder.equals("explanations") ? DatasetType.NEURON_SIMULATION_RESULTS : null;
    }
    if (folder.equals("collated-activations")) {
      return DatasetType.NEURON_RECORD;
    }
    if (parent.equals("related-tokens") && folder.equals("activation-based")) {
      return DatasetType.TOKEN_LOOKUP_TABLE_SUMMARY_OF_NEURON;
    }
    if (parent.equals("related-tokens") && folder.equals("weight-based")) {
      return DatasetType.WEIGHT_BASED_SUMMARY_OF_NEURON;
    }
    if (parent.equals("related-neurons") && folder.equals("weight-based")) {
      return DatasetType.RELATED_NEURONS;
    }
    return null;
  }
}
