package org.neuronexplainer.worker.capture.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DownloadProgressTest {
  private long now;

  @Test
  void withoutATerminalOneLinePerTenthWithRateAndTimeLeft() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    long total = 100_000_000;
    DownloadProgress progress =
        new DownloadProgress(out, false, "gpt2 model.safetensors", total, () -> now);
    for (long done = 1_000_000; done <= total; done += 1_000_000) {
      now += 100_000_000L; // 10 MB/s
      progress.update(done);
    }
    progress.done(total);

    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\\R");
    assertThat(lines).hasSize(10);
    assertThat(lines[0])
        .isEqualTo("gpt2 model.safetensors: 10.0 MB of 100.0 MB (10%), 10.0 MB/s, 9 s left");
    assertThat(lines[9])
        .isEqualTo("gpt2 model.safetensors: 100.0 MB of 100.0 MB (100%), 10.0 MB/s");
  }

  @Test
  void sizesAndDurationsReadWell() {
    assertThat(DownloadProgress.size(6_431_000_000L)).isEqualTo("6.43 GB");
    assertThat(DownloadProgress.duration(75)).isEqualTo("1 min 15 s");
    assertThat(DownloadProgress.duration(3_900)).isEqualTo("1 h 05 min");
  }
}
