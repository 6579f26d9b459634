package org.neuronexplainer.coordinator.progress;

import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.StageEvent;

/**
 * What is known about one capture, collate or weights unit of a run: these units cover many neurons
 * (a layer range of one shard, a neuron block), so they are folded here and their neurons' states
 * derived from them. Guarded by its {@link RunProgress}.
 */
final class UnitProgress {

  /** Where a unit stands. */
  enum State {
    PENDING,
    WORKING,
    SUCCEEDED,
    FAILED
  }

  final Stage stage;
  final String unit;

  /** The layers ({@code layers:F-L/...}) or the layer and neurons ({@code layer:L/neurons:F-T}). */
  final int layer;

  final int first;
  final int last;
  State state = State.PENDING;
  int attempt;
  String reason;

  UnitProgress(Stage stage, String unit) {
    this.stage = stage;
    this.unit = unit;
    int[] parsed = parse(stage, unit);
    this.layer = parsed[0];
    this.first = parsed[1];
    this.last = parsed[2];
  }

  void apply(StageEvent event) {
    attempt = event.attempt();
    if (event instanceof StageEvent.Failed f) {
      reason = f.reason();
      state = f.willRetry() ? State.WORKING : State.FAILED;
    } else if (event instanceof StageEvent.Succeeded) {
      reason = null;
      state = State.SUCCEEDED;
    } else {
      state = State.WORKING;
    }
  }

  /** True when this capture unit's layer range holds {@code l}. */
  boolean coversLayer(int l) {
    return l >= first && l <= last;
  }

  /**
   * {@code [-1, first layer, last layer]} of {@code layers:F-L/shard:S}, or {@code [layer, first
   * neuron, last neuron]} of {@code layer:L/neurons:F-T}; all -1 for a unit of another shape.
   */
  static int[] parse(Stage stage, String unit) {
    try {
      if (stage == Stage.CAPTURE && unit.startsWith("layers:")) {
        String range = unit.substring(7, unit.indexOf('/'));
        int dash = range.indexOf('-');
        return new int[] {
          -1,
          Integer.parseInt(range.substring(0, dash)),
          Integer.parseInt(range.substring(dash + 1))
        };
      }
      if (unit.startsWith("layer:")) {
        int slash = unit.indexOf('/');
        String range = unit.substring(unit.indexOf(':', slash) + 1);
        int dash = range.indexOf('-');
        return new int[] {
          Integer.parseInt(unit.substring(6, slash)),
          Integer.parseInt(range.substring(0, dash)),
          Integer.parseInt(range.substring(dash + 1))
        };
      }
    } catch (RuntimeException e) {
      // an unknown shape: the unit is tracked but covers no neuron
    }
    return new int[] {-1, -1, -1};
  }
}
