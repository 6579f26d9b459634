package org.neuronexplainer.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeftoversTest {

  private static final Duration LIMIT = Duration.ofSeconds(30);
  private final Instant since = Instant.now().minusSeconds(1);

  @BeforeEach
  void linux() {
    assumeTrue(
        Files.isDirectory(Path.of("/proc/self/fd")),
        "Leftovers reads sockets and process groups from /proc, which this system lacks");
  }

  @Test
  void aListeningSocketIsSeenUntilItIsClosed() throws Exception {
    String address;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      address = "127.0.0.1:" + socket.getLocalPort();
      assertThat(Leftovers.listening(ProcessHandle.current().pid())).contains(address);
      assertThat(Leftovers.find(since)).anyMatch(line -> line.contains(address));
    }
    assertThat(Leftovers.listening(ProcessHandle.current().pid())).doesNotContain(address);
    assertThat(Leftovers.find(since)).noneMatch(line -> line.contains(address));
  }

  @Test
  void aChildProcessIsSeenWithItsCommandLineUntilItExits() throws Exception {
    Process child = new ProcessBuilder("sleep", "600").start();
    try {
      assertThat(Leftovers.find(since))
          .anyMatch(
              line -> line.startsWith("child process " + child.pid()) && line.contains("600"));
    } finally {
      child.destroy();
      child.waitFor();
    }
    assertThat(Leftovers.find(since)).noneMatch(line -> line.contains(" " + child.pid()));
  }

  @Test
  void aProcessWhoseParentExitedIsSeenAsOrphaned() throws Exception {
    // sh starts sleep in the background and exits: sleep is no child of this JVM any more.
    Process shell = new ProcessBuilder("sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!").start();
    long orphan;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8))) {
      orphan = Long.parseLong(out.readLine().trim());
    }
    shell.waitFor();
    ProcessHandle handle = ProcessHandle.of(orphan).orElseThrow();
    try {
      Await.until(
          LIMIT,
          "the orphan to be reported",
          () -> Leftovers.find(since),
          lines -> lines.stream().anyMatch(l -> l.startsWith("orphaned process " + orphan)));
    } finally {
      handle.destroy();
    }
    Await.until(
        LIMIT,
        "the killed orphan to be no longer reported",
        () -> Leftovers.find(since),
        lines -> lines.stream().noneMatch(l -> l.contains(" " + orphan)));
  }

  @Test
  void addressesReadAsTheKernelWritesThem() {
    assertThat(Leftovers.address("0100007F")).isEqualTo("127.0.0.1");
    assertThat(Leftovers.address("00000000")).isEqualTo("0.0.0.0");
    assertThat(Leftovers.address("00000000000000000000000001000000")).isEqualTo("0:0:0:0:0:0:0:1");
  }
}
