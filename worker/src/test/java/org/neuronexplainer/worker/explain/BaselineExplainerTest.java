package org.neuronexplainer.worker.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.worker.TestNeurons;
import org.neuronexplainer.worker.llm.LlmTransport;

class BaselineExplainerTest {

  @Test
  void namesTheTokenTheNeuronFiresOn() {
    List<Explanation> explanations =
        new BaselineExplainer()
            .explain(ExplainerInput.of(TestNeurons.canada()), LlmTransport.none())
            .toCompletableFuture()
            .join();

    assertThat(explanations).containsExactly(Explanation.of("the token \" Canada\""));
  }

  @Test
  void namesSeveralTokensBestFirstAndQuotesThemAsJson() {
    List<ActivationRecord> records =
        List.of(
            record("a", 0, " Ottawa", 8, " Canada", 10, "say \"eh\"", 9),
            record(" Ottawa", 7, " Canada", 9, "say \"eh\"", 9, "b", 0));

    assertThat(new BaselineExplainer().explain(records).text())
        .isEqualTo("the tokens \" Canada\", \"say \\\"eh\\\"\" and \" Ottawa\"");
  }

  @Test
  void aOneOffTokenLosesToAStableOne() {
    // " moose" fires hardest but once; " Canada" fires a little less, twice.
    List<ActivationRecord> records =
        List.of(record(" moose", 10, " Canada", 8, "x", 0), record(" Canada", 8, "x", 0));

    assertThat(new BaselineExplainer().characteristicTokens(records)).containsExactly(" Canada");
  }

  @Test
  void withoutStableTokensTheOneOffsCount() {
    List<ActivationRecord> records = List.of(record(" moose", 10, "x", 0), record(" elk", 6));

    assertThat(new BaselineExplainer().characteristicTokens(records))
        .containsExactly(" moose", " elk");
  }

  @Test
  void tokensFarBelowTheBestAreLeftOut() {
    List<ActivationRecord> records =
        List.of(record(" Canada", 10, " the", 2), record(" Canada", 10, " the", 2));

    assertThat(new BaselineExplainer().characteristicTokens(records)).containsExactly(" Canada");
  }

  @Test
  void aSilentNeuronNamesNothing() {
    List<ActivationRecord> records = List.of(record(" a", -0.1, " b", 0));

    assertThat(new BaselineExplainer().explain(records).text())
        .isEqualTo(BaselineExplainer.NOTHING);
  }

  @Test
  void tiesAreBrokenByText() {
    List<ActivationRecord> records = List.of(record("b", 5, "a", 5), record("a", 5, "b", 5));

    assertThat(new BaselineExplainer(1, 1).characteristicTokens(records)).containsExactly("a");
  }

  private static ActivationRecord record(Object... tokensAndValues) {
    List<String> tokens = new ArrayList<>();
    double[] values = new double[tokensAndValues.length / 2];
    for (int i = 0; i < values.length; i++) {
      tokens.add((String) tokensAndValues[2 * i]);
      values[i] = ((Number) tokensAndValues[2 * i + 1]).doubleValue();
    }
    return new ActivationRecord(tokens, values);
  }
}
