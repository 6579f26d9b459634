package org.neuronexplainer.worker.prompt;

import java.util.ArrayList;
import java.util.List;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.worker.records.Normalization;

/**
 * Renders activation records as the prompt's {@code token<TAB>value} blocks (docs/method.md 3.2).
 *
 * <p>A block is a newline, {@code <start>}, newline, the records separated by newline {@code <end>}
 * newline {@code <start>} newline, then newline {@code <end>} newline. Each line is a token, a tab,
 * and the normalized value 0..10 or {@code unknown}. Tokens are written as they are or escaped by
 * {@link TokenText#token(String)}, as each caller's {@code escapeTokens} says.
 */
public final class RecordRenderer {
  /** The value shown where an activation is hidden. */
  public static final String UNKNOWN = "unknown";

  public static final String START = "<start>";
  public static final String END = "<end>";

  private RecordRenderer() {}

  /** Every value shown, normalized against {@code maxActivation}; tokens raw or escaped. */
  public static String render(
      List<ActivationRecord> records, double maxActivation, boolean escapeTokens) {
    return render(records, maxActivation, null, false, false, escapeTokens);
  }

  /** Only the tokens whose normalized value is not 0; tokens raw or escaped. */
  public static String renderWithoutZeros(
      List<ActivationRecord> records, double maxActivation, boolean escapeTokens) {
    return render(records, maxActivation, null, true, false, escapeTokens);
  }

  /**
   * The general form.
   *
   * @param startIndices per record, the first index whose value is shown; null shows all
   * @param escapeTokens whether tokens are escaped by {@link TokenText#token(String)}
   * @throws IllegalArgumentException when zeros are omitted from hidden activations
   */
  public static String render(
      List<ActivationRecord> records,
      double maxActivation,
      List<Integer> startIndices,
      boolean omitZeros,
      boolean hideActivations,
      boolean escapeTokens) {
    if (omitZeros && hideActivations) {
      // Hidden values are all "unknown", so which ones are zero is not known.
      throw new IllegalArgumentException("zeros cannot be omitted from hidden activations");
    }
    if (startIndices != null && startIndices.size() != records.size()) {
      throw new IllegalArgumentException(
          records.size() + " records but " + startIndices.size() + " start indices");
    }
    List<String> rendered = new ArrayList<>(records.size());
    for (int r = 0; r < records.size(); r++) {
      ActivationRecord record = records.get(r);
      int[] values = Normalization.normalize(record, maxActivation);
      int firstShown = startIndices == null ? 0 : startIndices.get(r);
      List<String> lines = new ArrayList<>(record.length());
      for (int t = 0; t < record.length(); t++) {
        if (omitZeros && values[t] == 0) {
          continue;
        }
        boolean hidden = hideActivations || t < firstShown;
        String value = hidden ? UNKNOWN : Integer.toString(values[t]);
        lines.add(TokenText.token(record.tokens().get(t), escapeTokens) + "\t" + value);
      }
      rendered.add(String.join("\n", lines));
    }
    return "\n"
        + START
        + "\n"
        + String.join("\n" + END + "\n" + START + "\n", rendered)
        + "\n"
        + END
        + "\n";
  }
}
