package org.neuronexplainer.coordinator.viewer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.neuronexplainer.common.classify.ClassificationJson;
import org.neuronexplainer.common.classify.ClassificationResults;
import org.neuronexplainer.common.classify.ClassifiedExcerpt;
import org.neuronexplainer.common.classify.ClassifiedExplanation;
import org.neuronexplainer.common.classify.ClassifierKind;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronConnections;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.common.dataset.RelatedNeurons;
import org.neuronexplainer.common.dataset.TokenLookupTableSummaryOfNeuron;
import org.neuronexplainer.common.dataset.TokensAndWeights;
import org.neuronexplainer.common.dataset.WeightBasedSummaryOfNeuron;
import org.neuronexplainer.common.dataset.json.DatasetJson;

/**
 * A store of invented files: the four example explanations of {@code examples/}, every file kind
 * for neuron 21:2932 (with a {@code <script>} token and a newline among its tokens, and both
 * classification scorers' files, each with excerpts answered wrong), and a malformed
 * collated-activations file and detection file for 9:388.
 */
final class ViewerFixture {

  static final String SCRIPT_TOKEN = "<script>alert(1)</script>";

  private ViewerFixture() {}

  static Path write(Path root) throws IOException {
    Path examples = Path.of("..", "examples", "explanations");
    try (Stream<Path> files = Files.walk(examples)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path target = root.resolve("explanations").resolve(examples.relativize(file).toString());
        Files.createDirectories(target.getParent());
        Files.copy(file, target);
      }
    }
    NeuronId canada = new NeuronId(21, 2932);
    writeFile(root.resolve("collated-activations/21/2932.json"), record(canada));
    writeFile(
        root.resolve("related-tokens/activation-based/21/2932.json"),
        new TokenLookupTableSummaryOfNeuron(
            List.of(" Canada", " Canadian", SCRIPT_TOKEN), new double[] {3.81, 3.44, 0.5}));
    writeFile(
        root.resolve("related-tokens/weight-based/21/2932.json"),
        new WeightBasedSummaryOfNeuron(
            new TokensAndWeights(List.of(" Canada", " Quebec"), new double[] {0.41, 0.39}),
            new TokensAndWeights(List.of(" Texas"), new double[] {-0.3}),
            new TokensAndWeights(List.of(" Canadians"), new double[] {0.95}),
            new TokensAndWeights(List.of(" America"), new double[] {-0.66})));
    writeFile(
        root.resolve("related-neurons/weight-based/21/2932.json"),
        new RelatedNeurons(
            new NeuronConnections(
                List.of("6_1017", "14_2203"), new double[] {0.18, 0.17},
                List.of("20_77"), new double[] {-0.15}),
            new NeuronConnections(
                List.of("9_388"), new double[] {0.2}, List.of(), new double[] {})));
    writeClassifications(root, ClassifierKind.DETECTION, detection(canada));
    writeClassifications(root, ClassifierKind.FUZZING, fuzzing(canada));
    Path broken = root.resolve("collated-activations/9/388.json");
    Files.createDirectories(broken.getParent());
    Files.writeString(broken, "{\"neuron_id\": {\"layer_index\": 9,", StandardCharsets.UTF_8);
    Path unsupported = root.resolve("classifications/detection/9/388.json");
    Files.createDirectories(unsupported.getParent());
    Files.writeString(
        unsupported,
        "{\"version\": 99, \"scorer\": \"detection\", \"layer_index\": 9,"
            + " \"neuron_index\": 388, \"explanations\": []}",
        StandardCharsets.UTF_8);
    return root;
  }

  /** The explanation of 21:2932 in the examples, as the classification files name it. */
  static final String CANADA = "references to Canada and Canadian people, places and institutions";

  /** Detection of 21:2932: one activation missed (top:1) and one false alarm (random:0). */
  static ClassificationResults detection(NeuronId id) {
    return ClassificationResults.of(
        ClassifierKind.DETECTION,
        id,
        List.of(
            ClassifiedExplanation.of(
                CANADA,
                List.of(
                    new ClassifiedExcerpt(
                        "top:0", "activating", List.of(" of", " Canada"), null, true, true, 0.9),
                    new ClassifiedExcerpt(
                        "top:1",
                        "activating",
                        List.of(" from", " Toronto"),
                        null,
                        true,
                        false,
                        0.3),
                    new ClassifiedExcerpt(
                        "random:0",
                        "random",
                        List.of(" the", " Maple", " Leafs"),
                        null,
                        false,
                        true,
                        0.6),
                    new ClassifiedExcerpt(
                        "random:1", "random", List.of(" it", " was"), null, false, false, 0.1)))));
  }

  /** Fuzzing of 21:2932, without probabilities: one wrong highlighting taken as right. */
  static ClassificationResults fuzzing(NeuronId id) {
    return ClassificationResults.of(
        ClassifierKind.FUZZING,
        id,
        List.of(
            ClassifiedExplanation.of(
                CANADA,
                List.of(
                    new ClassifiedExcerpt(
                        "top:0",
                        "activating",
                        List.of(" of", " Canada"),
                        List.of(1),
                        true,
                        true,
                        null),
                    new ClassifiedExcerpt(
                        "quantile:2:0",
                        "activating",
                        List.of(" a", " Canadian", " said"),
                        List.of(2),
                        false,
                        true,
                        null)))));
  }

  private static void writeClassifications(
      Path root, ClassifierKind scorer, ClassificationResults results) throws IOException {
    NeuronId id = results.neuronId();
    Path file =
        root.resolve(
            "classifications/"
                + scorer.wireName()
                + "/"
                + id.layerIndex()
                + "/"
                + id.neuronIndex()
                + ".json");
    Files.createDirectories(file.getParent());
    Files.write(file, ClassificationJson.toBytes(results));
  }

  private static void writeFile(Path file, Object value) throws IOException {
    Files.createDirectories(file.getParent());
    DatasetJson.writeFile(file, value);
  }

  static NeuronRecord record(NeuronId id) {
    ActivationRecord top1 =
        new ActivationRecord(
            List.of("The", " Prime", " Minister", " of", " Canada", " said"),
            new double[] {0.0, 0.2, 0.3, 0.4, 4.91, 0.1});
    ActivationRecord top2 =
        new ActivationRecord(
            List.of(" from", " Toronto", "\n", " and", " Ottawa"),
            new double[] {0.05, 2.4, -0.02, 0.0, 3.1});
    ActivationRecord hostile =
        new ActivationRecord(List.of(" a", SCRIPT_TOKEN, " b"), new double[] {0.0, 1.5, 0.0});
    List<List<ActivationRecord>> buckets =
        List.of(
            List.of(new ActivationRecord(List.of(" it", " was"), new double[] {-0.1, 0.0})),
            List.of(new ActivationRecord(List.of(" in", " Ottawa"), new double[] {0.02, 0.31})),
            List.of(new ActivationRecord(List.of(" a", " Canadian"), new double[] {0.0, 1.12})),
            List.of(new ActivationRecord(List.of(" from", " Toronto"), new double[] {0.05, 2.4})),
            List.of(new ActivationRecord(List.of(" the", " CBC"), new double[] {0.0, 3.05})));
    return new NeuronRecord(
        id,
        List.of(
            hostile,
            new ActivationRecord(
                List.of(" and", " the", " rest"), new double[] {-0.02, -0.05, 0.01})),
        buckets,
        new double[] {0.004, 0.21, 0.87, 2.1},
        -0.0213,
        0.0441,
        6.37,
        71.2,
        List.of(top1, top2));
  }
}
