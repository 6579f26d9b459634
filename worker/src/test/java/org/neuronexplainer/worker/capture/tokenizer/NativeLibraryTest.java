package org.neuronexplainer.worker.capture.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * libtokenizers comes out of the tokenizers jar, offline, into DJL's cache; where it cannot, the
 * error says what to do. Each case runs {@link TokenizerProbe} in a fresh JVM with its own cache.
 */
class NativeLibraryTest {

  @Test
  @EnabledOnOs(
      value = OS.LINUX,
      architectures = {"amd64", "aarch64"})
  void unpacksFromItsJarIntoAnEmptyCacheOffline(@TempDir Path cache) throws Exception {
    Result result = probe(cache.resolve("djl"));
    assertThat(result.output()).contains("ids [278, 283]");
    assertThat(result.exitCode()).isZero();
    try (Stream<Path> files = Files.walk(cache.resolve("djl/tokenizers"))) {
      assertThat(files.map(Path::getFileName).map(Path::toString)).contains("libtokenizers.so");
    }
  }

  @Test
  void saysWhatIsMissingWhenTheCacheCannotBeWritten(@TempDir Path dir) throws Exception {
    Path notAFolder = Files.writeString(dir.resolve("cache"), "a file where a folder should be");
    Result result = probe(notAFolder);
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.output())
        .contains("libtokenizers")
        .contains("cannot load")
        .contains("unpacked on first use into " + notAFolder.resolve("tokenizers"))
        .contains("set DJL_CACHE_DIR to a writable folder");
  }

  private record Result(int exitCode, String output) {}

  private static Result probe(Path djlCache) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Dai.djl.offline=true",
                    "-DDJL_CACHE_DIR=" + djlCache,
                    "-cp",
                    System.getProperty("java.class.path"),
                    TokenizerProbe.class.getName(),
                    TokenizerResources.sentencePiece().toString()))
            .redirectErrorStream(true);
    builder.environment().remove("DJL_CACHE_DIR");
    builder.environment().remove("ENGINE_CACHE_DIR");
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the probe did not finish in 60 s: " + new String(output));
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
