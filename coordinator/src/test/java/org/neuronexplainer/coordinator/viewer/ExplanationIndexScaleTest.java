package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;

/**
 * A GPT-2 XL-sized index (48 x 6,400 = 307,200 explanations of synthetic words): builds and answers
 * within bounds far above what it takes, so only a real regression fails; prints the figures.
 */
class ExplanationIndexScaleTest {

  private static final String[] WORDS = {
    "the",
    "of",
    "and",
    "words",
    "tokens",
    "related",
    "to",
    "in",
    "numbers",
    "names",
    "after",
    "before",
    "phrases",
    "references",
    "people",
    "places",
    "code",
    "years",
    "dates",
    "months",
    "sports",
    "teams",
    "cities",
    "countries",
    "legal",
    "terms",
    "medical",
    "music",
    "food",
    "colors"
  };

  @Test
  void buildsAndSearchesAFullGpt2XlIndexQuickly() {
    Random random = new Random(42);
    List<ExplanationEntry> entries = new ArrayList<>(307_200);
    for (int layer = 0; layer < 48; layer++) {
      for (int neuron = 0; neuron < 6400; neuron++) {
        StringBuilder text = new StringBuilder();
        int length = 5 + random.nextInt(8);
        for (int w = 0; w < length; w++) {
          // Zipf-like: common words much more often, as in real explanations.
          int index = (int) (WORDS.length * Math.pow(random.nextDouble(), 2.5));
          text.append(w == 0 ? "" : " ").append(WORDS[index]);
        }
        text.append(" word").append(random.nextInt(20_000)); // a long tail of rare words
        entries.add(
            new ExplanationEntry(
                new NeuronId(layer, neuron), 0, text.toString(), random.nextDouble() * 2 - 1));
      }
    }
    long start = System.nanoTime();
    ExplanationIndex index = ExplanationIndex.build(entries);
    double buildSeconds = (System.nanoTime() - start) / 1e9;
    start = System.nanoTime();
    ModelOverview overview = ModelOverview.of(entries);
    double overviewSeconds = (System.nanoTime() - start) / 1e9;

    String[] queries = {"colors", "names of people", "the", "word123", "legal terms after dates"};
    SearchFilter filter = new SearchFilter(10, 30, 0.2, 1.0);
    for (String q : queries) { // warm up
      index.search(q, SearchFilter.ALL, 0, 50);
    }
    int rounds = 5;
    double worstMillis = 0;
    StringBuilder report = new StringBuilder();
    for (String q : queries) {
      for (SearchFilter f : List.of(SearchFilter.ALL, filter)) {
        start = System.nanoTime();
        ExplanationIndex.Result result = null;
        for (int i = 0; i < rounds; i++) {
          result = index.search(q, f, 0, 50);
        }
        double millis = (System.nanoTime() - start) / 1e6 / rounds;
        worstMillis = Math.max(worstMillis, millis);
        report.append(
            String.format(
                "  %-26s %-9s %7d hits %8.2f ms%n",
                '"' + q + '"', f == filter ? "filtered" : "all", result.total(), millis));
        assertThat(result.hits()).isNotEmpty();
      }
    }
    System.out.printf(
        "explanation index: %d entries, %d terms, built in %.2f s, overview in %.2f s;"
            + " query times (mean of %d, top 50):%n%s",
        index.size(), index.termCount(), buildSeconds, overviewSeconds, rounds, report);

    assertThat(index.size()).isEqualTo(307_200);
    assertThat(overview.neurons()).isEqualTo(307_200);
    assertThat(buildSeconds).isLessThan(60);
    assertThat(worstMillis).isLessThan(2_000);
  }
}
