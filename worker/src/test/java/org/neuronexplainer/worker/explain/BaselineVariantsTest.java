package org.neuronexplainer.worker.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;
import org.neuronexplainer.worker.llm.LlmTransport;
import org.neuronexplainer.worker.revise.Days;

class BaselineVariantsTest {
  private final NeuronRecord neuron = Days.neuron(new NeuronId(0, 0), 1);

  private List<String> explain(Integer k) {
    return BaselineExplainer.withExplanations(k)
        .explain(ExplainerInput.of(neuron), LlmTransport.none())
        .toCompletableFuture()
        .join()
        .stream()
        .map(Explanation::text)
        .toList();
  }

  @Test
  void oneExplanationIsTodaysSingleOne() {
    List<String> today =
        new BaselineExplainer()
                .explain(ExplainerInput.of(neuron), LlmTransport.none())
                .toCompletableFuture()
                .join()
                .stream()
                .map(Explanation::text)
                .toList();
    assertThat(explain(null)).isEqualTo(today);
    assertThat(explain(1)).isEqualTo(today);
  }

  @Test
  void theIthVariantNamesTheBestIPlusOneTokensWithoutTheCutoff() {
    List<String> three = explain(3);

    assertThat(three).hasSize(3).doesNotHaveDuplicates();
    assertThat(three.get(0)).startsWith("the token \"");
    assertThat(three.get(1)).startsWith(three.get(0).replace("the token ", "the tokens "));
    assertThat(three.get(2)).contains(" and ");
    assertThat(explain(3)).isEqualTo(three);
  }

  @Test
  void fewerTokensGiveFewerVariantsAndASilentNeuronOne() {
    ActivationRecord one = new ActivationRecord(List.of(" a", " b"), new double[] {0, 1});
    BaselineExplainer explainer = new BaselineExplainer(1, 3, 5);
    assertThat(explainer.variants(List.of(one), 5))
        .extracting(Explanation::text)
        .containsExactly("the token \" b\"");
    ActivationRecord silent = new ActivationRecord(List.of(" a"), new double[] {0});
    assertThat(explainer.variants(List.of(silent), 5))
        .extracting(Explanation::text)
        .containsExactly(BaselineExplainer.NOTHING);
  }
}
