package org.neuronexplainer.worker.prompt;

import java.util.ArrayList;
import java.util.List;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.worker.records.Normalization;

/**
 * Renders activation records as the prompt's {@code token<TAB>value} blocks (docs/method.md 3.2).
 *
 * <p>A block is a newline, {@code <start>}, newline, the records separated by newline {@code <end>}
 * newline {@code <start>} newline, then newline {@code <end>} newline. Each line is a token
 * (escaped by {@link TokenText#token}), a tab, and the normalized value 0..10 or {@code unknown}.
 */
public final class RecordRenderer {
  /** The value shown where an activation is hidden. */
  public static final String UNKNOWN = "unknown";

  public static final String START = "<start>";
  public static final String END = "<end>";

  private RecordRenderer() {}

  /** Every value shown, normalized against {@code maxActivation}. */
  public static String render(List<ActivationRecord> records, double maxActivation) {
    return render(records, maxActivation, null, false, false);
  }

  /** Only the tokens whose normalized value is not 0. */
  public static String renderWithoutZeros(List<ActivationRecord> records, double maxActivation) {
    return render(records, maxActivation, null, true, false);
  }

  /** Tokens before {@code startIndices.get(i)} in record i show {@code unknown}. */
  public static String renderFromStartIndices(
      List<ActivationRecord> records, double maxActivation, List<Integer> startIndices) {
    if (startIndices.size() != records.size()) {
      throw new IllegalArgumentException(
          records.size() + " records but " + startIndices.size() + " start indices");
    }
    return render(records, maxActivation, startIndices, false, false);
  }

  /** Every value shown as {@code unknown}: a simulation target. */
  public static String renderHidden(List<List<String>> tokenLists) {
    List<ActivationRecord> records = new ArrayList<>();
    for (List<String> tokens : tokenLists) {
      records.add(new ActivationRecord(tokens, new double[tokens.size()]));
    }
    return render(records, 0.0, null, false, true);
  }

  /**
   * The general form.
   *
   * @param startIndices per record, the first index whose value is shown; null shows all
   * @throws IllegalArgumentException when zeros are omitted from hidden activations
   */
  public static String render(
      List<ActivationRecord> records,
      double maxActivation,
      List<Integer> startIndices,
      boolean omitZeros,
      boolean hideActivations) {
    return render(records, maxActivation, startIndices, omitZeros, hideActivations, true);
  }

  /**
   * The general form, with token text written as it is ({@code escapeTokens} false) or escaped by
   * {@link TokenText#token}.
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
        String token = record.tokens().get(t);
        lines.add((escapeTokens ? TokenText.token(token) : token) + "\t" + value);
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
