package org.neuronexplainer.common.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SelectionTest {

  @Test
  void indicesListsAndRangesMakeOneSortedSet() {
    Selection s = Selection.parse(" 7, 0-3 ,2", "layers");
    assertThat(s.indices().toArray()).containsExactly(0, 1, 2, 3, 7);
    assertThat(s.size()).isEqualTo(5);
    assertThat(s.contains(7)).isTrue();
    assertThat(s.contains(4)).isFalse();
  }

  @Test
  void aBadPartIsNamedWithTheField() {
    for (String bad : new String[] {"x", "3-1", "-2", "1-2-3", "1-", ""}) {
      assertThatThrownBy(() -> Selection.parse("0," + bad, "--layers"))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "--layers: '" + bad + "' is not an index or a range like 0-9 (in '0," + bad + "')");
    }
    assertThatThrownBy(() -> Selection.parse(" ", "neurons"))
        .hasMessage("neurons: empty selection; expected e.g. 0-3,7");
  }

  @Test
  void withinAModelAllMeansEveryIndexAndAMissingOneIsNamed() {
    assertThat(Selection.within("all", "--layers", 3, "layer")).containsExactly(0, 1, 2);
    assertThat(Selection.within(null, "layers", 2, "layer")).containsExactly(0, 1);
    assertThat(Selection.within("2,0", "layers", 3, "layer")).containsExactly(0, 2);
    assertThatThrownBy(() -> Selection.within("0,500", "--neurons", 48, "neuron"))
        .hasMessage("--neurons: neuron 500 does not exist; the model has neurons 0..47");
  }

  @Test
  void aSpecReadsAllAsNoSelection() {
    RunSpec spec = new RunSpec("r", null, "all", " 0-3 ", null, null, null, null, 0);
    assertThat(spec.layers()).isNull();
    assertThat(spec.neurons()).isEqualTo("0-3");
    assertThatThrownBy(() -> new RunSpec("r", null, "0-x", null, null, null, null, null, 0))
        .hasMessageStartingWith("layers: '0-x' is not an index or a range");
  }
}
