package org.neuronexplainer.worker.fewshot;

import java.util.List;
import org.neuronexplainer.common.dataset.ActivationRecord;

/**
 * One worked neuron shown to the model before the target (docs/method.md 3.4).
 *
 * @param explanation what the invented neuron does, as the model should phrase it
 * @param records its activation records, raw values (each example is normalized against its own
 *     max)
 * @param firstRevealedActivationIndices per record, the first token whose value the all-at-once
 *     simulator's examples show; earlier tokens show {@code unknown} (docs/method.md 4.6)
 * @param tokenIndexToScore for the single-token worked example only: the token whose activation the
 *     example asks for; null otherwise
 */
public record FewShotExample(
    String explanation,
    List<ActivationRecord> records,
    List<Integer> firstRevealedActivationIndices,
    Integer tokenIndexToScore) {

  public FewShotExample {
    records = List.copyOf(records);
    firstRevealedActivationIndices = List.copyOf(firstRevealedActivationIndices);
    if (explanation == null || explanation.isBlank()) {
      throw new IllegalArgumentException("a few-shot example needs an explanation");
    }
    if (records.isEmpty()) {
      throw new IllegalArgumentException("few-shot example \"" + explanation + "\" has no records");
    }
    if (firstRevealedActivationIndices.size() != records.size()) {
      throw new IllegalArgumentException(
          "few-shot example \""
              + explanation
              + "\" has "
              + records.size()
              + " records but "
              + firstRevealedActivationIndices.size()
              + " first revealed indices");
    }
    for (int r = 0; r < records.size(); r++) {
      ActivationRecord record = records.get(r);
      if (record.length() == 0) {
        throw new IllegalArgumentException(
            "few-shot example \"" + explanation + "\" record " + r + " has no tokens");
      }
      requireIndex(
          explanation, "first revealed index", firstRevealedActivationIndices.get(r), record);
      for (double activation : record.activations()) {
        if (!Double.isFinite(activation)) {
          throw new IllegalArgumentException(
              "few-shot example \"" + explanation + "\" has a non-finite activation");
        }
      }
    }
    if (tokenIndexToScore != null) {
      requireIndex(explanation, "token index to score", tokenIndexToScore, records.get(0));
    }
  }

  private static void requireIndex(
      String explanation, String what, int index, ActivationRecord record) {
    if (index < 0 || index >= record.length()) {
      throw new IllegalArgumentException(
          "few-shot example \""
              + explanation
              + "\": "
              + what
              + " "
              + index
              + " is outside its record of "
              + record.length()
              + " tokens");
    }
  }
}
