package org.neuronexplainer.cli;

import org.neuronexplainer.common.run.Selection;

/**
 * A {@code --layers} or {@code --neurons} flag checked before anything starts, with the one message
 * of {@link Selection} for every command that takes it.
 */
public final class SelectionFlag {
  private SelectionFlag() {}

  /**
   * Checks a selection's grammar ({@code all}, 5, 0,2 or 0-99); a mistake is a usage error (exit
   * code 2) naming the flag and the part that is wrong.
   */
  public static void check(String text, String flag) {
    if (Selection.isAll(text)) {
      return;
    }
    try {
      Selection.parse(text, flag);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), 2);
    }
  }
}
