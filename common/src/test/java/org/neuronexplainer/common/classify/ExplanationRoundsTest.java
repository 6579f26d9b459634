package org.neuronexplainer.common.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.NeuronId;

class ExplanationRoundsTest {
  private static final NeuronId NEURON = new NeuronId(2, 7);

  private static Map<String, Double> scores(Double simulation, Double detection) {
    Map<String, Double> scores = new HashMap<>();
    scores.put("simulation", simulation);
    scores.put("detection", detection);
    return scores;
  }

  private static final List<RoundExplanation> THREE =
      List.of(
          new RoundExplanation(0, "a", null, scores(0.2, 0.9)),
          new RoundExplanation(0, "b", null, scores(0.5, null)),
          new RoundExplanation(1, "b, revised", 1, scores(0.5, 0.6)));

  @Test
  void theBestIsTheHighestScoreAndTheEarliestOfEquals() {
    assertThat(ExplanationRounds.of(NEURON, "simulation", THREE, null).best()).isEqualTo(1);
    assertThat(ExplanationRounds.of(NEURON, "detection", THREE, null).best()).isEqualTo(0);
    assertThat(ExplanationRounds.of(NEURON, "fuzzing", THREE, null).best()).isNull();
    assertThat(ExplanationRounds.of(NEURON, "simulation", THREE, null).revisionRounds())
        .isEqualTo(1);
  }

  @Test
  void nanScoresAreNeverBest() {
    List<RoundExplanation> withNan =
        List.of(
            new RoundExplanation(0, "a", null, scores(Double.NaN, null)),
            new RoundExplanation(0, "b", null, scores(-0.3, null)));
    assertThat(ExplanationRounds.best(withNan, "simulation")).isEqualTo(1);
  }

  @Test
  void roundTripsAndRescoresPickTheBestAgain() {
    ExplanationRounds rounds = ExplanationRounds.of(NEURON, "simulation", THREE, "repeated");
    byte[] bytes = ClassificationJson.toBytes(rounds);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .startsWith(
            "{\"version\":1,\"layer_index\":2,\"neuron_index\":7,\"select_by\":\"simulation\"")
        .contains("\"revised_from\":null")
        .contains("\"detection\":null");
    assertThat(ClassificationJson.readRounds(bytes, "r.json")).isEqualTo(rounds);
    ExplanationRounds rescored = rounds.withScores("simulation", Arrays.asList(0.9, 0.1, null));
    assertThat(rescored.best()).isZero();
    assertThat(rescored.explanations().get(2).score("simulation")).isNull();
    assertThat(rescored.explanations().get(2).score("detection")).isEqualTo(0.6);
  }

  @Test
  void aFileThatContradictsItselfIsRefusedNamingTheFile() {
    String wrongBest =
        "{\"version\":1,\"layer_index\":0,\"neuron_index\":0,\"select_by\":\"simulation\","
            + "\"explanations\":[{\"round\":0,\"explanation\":\"a\",\"revised_from\":null,"
            + "\"scores\":{\"simulation\":0.1}}],\"best\":3,\"stopped\":null}";
    assertThatThrownBy(
            () ->
                ClassificationJson.readRounds(wrongBest.getBytes(StandardCharsets.UTF_8), "x.json"))
        .hasMessageContaining("x.json")
        .hasMessageContaining("best is 3 but the simulation scores make it 0");
    String badOrigin = wrongBest.replace("\"revised_from\":null", "\"revised_from\":0");
    assertThatThrownBy(
            () ->
                ClassificationJson.readRounds(badOrigin.getBytes(StandardCharsets.UTF_8), "y.json"))
        .hasMessageContaining("y.json")
        .hasMessageContaining("round 0 revises none");
    String version2 = wrongBest.replace("\"version\":1", "\"version\":2");
    assertThatThrownBy(
            () ->
                ClassificationJson.readRounds(version2.getBytes(StandardCharsets.UTF_8), "z.json"))
        .hasMessageContaining("version 2 is not supported");
  }
}
