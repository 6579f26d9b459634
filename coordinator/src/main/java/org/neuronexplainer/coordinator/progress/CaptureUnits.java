package org.neuronexplainer.coordinator.progress;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.neuronexplainer.common.messaging.Stage;
import org.neuronexplainer.common.messaging.StageEvent;

/**
 * A capture run's capture, collate and weights units and what they mean for the neurons they cover
 * (see {@link RunProgress} for the rules). Guarded by its {@link RunProgress}.
 */
final class CaptureUnits {

  /** How a unit's event moves one of its neurons; {@link RunProgress} owns the counts. */
  @FunctionalInterface
  interface Mover {
    void follow(NeuronProgress n, Stage stage, NeuronState next, int attempt, String reason);
  }

  private final Map<Integer, TreeMap<Integer, NeuronProgress>> byLayer = new HashMap<>();
  private final Map<Stage, Map<String, UnitProgress>> units = new EnumMap<>(Stage.class);
  private final Mover mover;

  CaptureUnits(Mover mover) {
    this.mover = mover;
  }

  /** Files a neuron ({@code layer:index}) under its layer, for the units that cover it. */
  void index(String unit, NeuronProgress n) {
    int colon = unit.indexOf(':');
    try {
      byLayer
          .computeIfAbsent(Integer.parseInt(unit.substring(0, colon)), l -> new TreeMap<>())
          .put(Integer.parseInt(unit.substring(colon + 1)), n);
    } catch (RuntimeException e) {
      // not a layer:neuron unit; no capture unit reaches it
    }
  }

  void plan(Stage stage, List<String> planned) {
    for (String unit : planned) {
      unit(stage, unit);
    }
  }

  private UnitProgress unit(Stage stage, String unit) {
    return units
        .computeIfAbsent(stage, s -> new LinkedHashMap<>())
        .computeIfAbsent(unit, u -> new UnitProgress(stage, u));
  }

  String state(Stage stage, String unit) {
    UnitProgress u = units.getOrDefault(stage, Map.of()).get(unit);
    return (u == null ? UnitProgress.State.PENDING : u.state).name().toLowerCase(Locale.ROOT);
  }

  List<String> failed(Stage stage) {
    List<String> out = new ArrayList<>();
    units
        .getOrDefault(stage, Map.of())
        .forEach(
            (k, u) -> {
              if (u.state == UnitProgress.State.FAILED) {
                out.add(k);
              }
            });
    return out;
  }

  void requeued(Stage stage, List<String> requeued) {
    for (String unit : requeued) {
      UnitProgress u = unit(stage, unit);
      u.state = UnitProgress.State.PENDING;
      u.reason = null;
    }
  }

  /** Sets units succeeded or pending as a resume finds their output in the store. */
  void resumed(Stage stage, List<String> succeeded, List<String> pending) {
    for (String unit : succeeded) {
      UnitProgress u = unit(stage, unit);
      u.state = UnitProgress.State.SUCCEEDED;
      u.reason = null;
    }
    requeued(stage, pending);
  }

  /** True when every unit of the stage succeeded or failed for good. */
  boolean settled(Stage stage) {
    return units.getOrDefault(stage, Map.of()).values().stream()
        .allMatch(
            u -> u.state == UnitProgress.State.SUCCEEDED || u.state == UnitProgress.State.FAILED);
  }

  /** True when no unit of the stage is running or waiting for its retry. */
  boolean noneWorking(Stage stage) {
    return units.getOrDefault(stage, Map.of()).values().stream()
        .noneMatch(u -> u.state == UnitProgress.State.WORKING);
  }

  /** Units per {@code stage:state}. */
  Map<String, Integer> counts() {
    Map<String, Integer> byUnit = new TreeMap<>();
    units.forEach(
        (stage, map) ->
            map.values()
                .forEach(
                    u ->
                        byUnit.merge(
                            stage.id() + ":" + u.state.name().toLowerCase(Locale.ROOT),
                            1,
                            Integer::sum)));
    return byUnit;
  }

  /** Whether a unit of a stage was planned. */
  boolean planned(Stage stage, String unit) {
    return units.getOrDefault(stage, Map.of()).containsKey(unit);
  }

  void apply(StageEvent event) {
    UnitProgress u = unit(event.stage(), event.unit());
    u.apply(event);
    if (event.stage() == Stage.CAPTURE) {
      for (int layer = Math.max(0, u.first); layer <= u.last; layer++) {
        refreshCaptured(layer);
      }
    } else if (event.stage() == Stage.COLLATE && u.layer >= 0) {
      NeuronState state =
          switch (u.state) {
            case FAILED -> NeuronState.FAILED;
            case SUCCEEDED, PENDING -> NeuronState.PENDING;
            case WORKING -> NeuronState.COLLATING;
          };
      for (NeuronProgress n : layerNeurons(u.layer, u.first, u.last)) {
        mover.follow(n, Stage.COLLATE, state, u.attempt, u.reason);
      }
    }
  }

  /** Sets the state of a layer's neurons from every capture unit that covers the layer. */
  private void refreshCaptured(int layer) {
    UnitProgress failed = null;
    boolean started = false;
    boolean allDone = true;
    int attempt = 0;
    for (UnitProgress u : units.getOrDefault(Stage.CAPTURE, Map.of()).values()) {
      if (!u.coversLayer(layer)) {
        continue;
      }
      attempt = Math.max(attempt, u.attempt);
      started |= u.state != UnitProgress.State.PENDING;
      allDone &= u.state == UnitProgress.State.SUCCEEDED;
      if (u.state == UnitProgress.State.FAILED && failed == null) {
        failed = u;
      }
    }
    NeuronState state =
        failed != null
            ? NeuronState.FAILED
            : allDone || !started ? NeuronState.PENDING : NeuronState.CAPTURING;
    String reason = failed == null ? null : failed.reason;
    for (NeuronProgress n : layerNeurons(layer, 0, Integer.MAX_VALUE - 1)) {
      mover.follow(n, Stage.CAPTURE, state, attempt, reason);
    }
  }

  private Collection<NeuronProgress> layerNeurons(int layer, int first, int last) {
    TreeMap<Integer, NeuronProgress> layerMap = byLayer.get(layer);
    return layerMap == null ? List.of() : layerMap.subMap(first, true, last, true).values();
  }
}
