package org.neuronexplainer.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BearerAuthTest {

  @Test
  void allowsOnlyTheExactBearerToken() {
    BearerAuth auth = new BearerAuth("s3cret-token-value");
    assertThat(auth.allows("Bearer s3cret-token-value")).isTrue();
    assertThat(auth.allows("Bearer s3cret-token-valu")).isFalse();
    assertThat(auth.allows("Basic s3cret-token-value")).isFalse();
    assertThat(auth.allows(null)).isFalse();
    assertThat(auth.allows("Bearer ")).isFalse();
  }

  @Test
  void refusesToRunWithoutAToken() {
    assertThatThrownBy(() -> new BearerAuth(" ")).hasMessageContaining("token");
  }
}
