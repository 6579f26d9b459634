package org.neuronexplainer.worker.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prefix (a BOS run before each excerpt) is run but not handed back: what comes back is the whole
 * pass's activations and latents from the position after it on.
 */
class ForwardPrefixTest {

  @TempDir Path temp;

  @Test
  void thePrefixsPositionsAreLeftOutOfHooksAndLatents() {
    for (Path dir : List.of(Fixtures.hfGpt2Reference(), Fixtures.hfLlamaReference())) {
      try (SubjectModel model = SubjectModel.load(dir, ComputeOptions.cpu())) {
        int[][] ids = {{1, 5, 9, 2, 7, 3}, {4, 4, 8, 6, 1, 2}};
        Sae sae =
            model.loadSae(
                SaeFiles.open(
                    "res",
                    SaeFixture.random("topk", "blocks.1.hook_resid_pre", model.config(), 16, 3)
                        .write(temp.resolve(dir.getFileName().toString()))));
        ForwardRequest request =
            new ForwardRequest(
                List.of(Hook.mlpNeurons(0), new Hook(Hook.Kind.RESID_POST, 1)),
                List.of(sae),
                false);
        ForwardResult whole = model.forward(ids, request, new ActivationBuffers());
        ForwardResult after = model.forward(ids, request.withPrefix(1), new ActivationBuffers());

        for (Hook hook : request.hooks()) {
          assertSuffix(whole.hook(hook), after.hook(hook), 1);
        }
        assertSuffix(whole.latents("res"), after.latents("res"), 1);
      }
    }
    assertThatThrownBy(() -> new ForwardRequest(List.of(), false).withPrefix(-1))
        .hasMessageContaining("0 or more positions");
  }

  /** {@code after} is {@code whole} without the first {@code skip} positions of each sequence. */
  private static void assertSuffix(FloatTensor whole, FloatTensor after, int skip) {
    int[] shape = whole.shape();
    assertThat(after.shape()).containsExactly(shape[0], shape[1] - skip, shape[2]);
    int width = shape[2];
    for (int s = 0; s < shape[0]; s++) {
      for (int t = skip; t < shape[1]; t++) {
        int from = (s * shape[1] + t) * width;
        int to = (s * (shape[1] - skip) + t - skip) * width;
        assertThat(Arrays.copyOfRange(after.data(), to, to + width))
            .as("sequence %d, position %d", s, t)
            .containsExactly(Arrays.copyOfRange(whole.data(), from, from + width));
      }
    }
  }
}
