package org.neuronexplainer.cli.pipeline.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) run as a separate Java
 * process from the jars the build copied to {@code deploy/kafka/target/libs}, with its data under a
 * local directory. The broker of the {@code run} command, and of the system tests.
 *
 * <p>Storage is formatted once. A broker already running on the same directory (its pid file names
 * a live Kafka process and its port answers) is reused rather than started twice, so several {@code
 * run}s on one machine share one broker (each under its own topic prefix). Every handle holds a
 * lease, a file under {@code leases/} named by its process id: {@link #close()} gives the lease
 * back and stops the broker only when no lease of a live process remains, so the last user out
 * stops it, whoever started it, and a process that ended without closing (kill -9) holds it no
 * longer. {@link #stop()} stops it in any case.
 */
public final class LocalKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Object IN_PROCESS = new Object();

  private final BrokerFiles files;
  private final String bootstrapServers;
  private final long pid;
  private final boolean startedHere;
  // Read by closeNow on another thread (a second Ctrl-C) while close runs.
  private volatile Path lease;
  private volatile boolean stopping;

  private LocalKafkaBroker(
      BrokerFiles files, String bootstrapServers, long pid, boolean startedHere) {
    this.files = files;
    this.bootstrapServers = bootstrapServers;
    this.pid = pid;
    this.startedHere = startedHere;
  }

  /** Where {@code bin/neuron-explainer}'s build puts the broker's jars, under the project root. */
  public static Path defaultLibs(Path projectHome) {
    return projectHome.resolve("deploy").resolve("kafka").resolve("target").resolve("libs");
  }

  /** Starts (or reuses) the broker of {@code dataDir} on a free port chosen at first start. */
  public static LocalKafkaBroker start(Path dataDir, Path libs)
      throws IOException, InterruptedException {
    return start(dataDir, libs, 0);
  }

  /**
   * Starts (or reuses) the broker of {@code dataDir}, ready to serve when this returns.
   *
   * @param port the client port for a first start; 0 for a free one. Later starts keep the port
   *     chosen the first time.
   */
  public static LocalKafkaBroker start(Path dataDir, Path libs, int port)
      throws IOException, InterruptedException {
    BrokerFiles files = new BrokerFiles(dataDir.toAbsolutePath());
    Files.createDirectories(files.dir());
    // Two launchers on one directory (two `run`s at once) must not both format or start.
    return locked(
        files,
        () -> {
          LocalKafkaBroker broker = startLocked(files, libs, port);
          broker.lease = takeLease(files);
          return broker;
        });
  }

  /**
   * Runs {@code action} holding the directory's start lock: other processes' starts and stops wait,
   * and so do this JVM's other threads (a file lock is held per process, not per thread).
   */
  private static <T> T locked(BrokerFiles files, LockedAction<T> action)
      throws IOException, InterruptedException {
    synchronized (IN_PROCESS) {
      return fileLocked(files, action);
    }
  }

  private static <T> T fileLocked(BrokerFiles files, LockedAction<T> action)
      throws IOException, InterruptedException {
    try (FileChannel channel =
            FileChannel.open(
                files.dir().resolve("start.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      return action.run();
    }
  }

  private interface LockedAction<T> {
    T run() throws IOException, InterruptedException;
  }

  private static Path takeLease(BrokerFiles files) throws IOException {
    Files.createDirectories(files.leases());
    ProcessHandle self = ProcessHandle.current();
    Path lease = files.leases().resolve(self.pid() + "-" + Uuid.randomUuid());
    Files.writeString(lease, startTime(self), StandardCharsets.UTF_8);
    return lease;
  }

  /** The start time of a process as text, or empty where the system does not tell. */
  private static String startTime(ProcessHandle process) {
    return process.info().startInstant().map(Object::toString).orElse("");
  }

  /**
   * Whether a lease file names a live process: its pid is alive and started when the lease says (so
   * a pid reused after a reboot does not count). Dead leases are removed.
   */
  private static boolean live(Path lease) {
    String name = lease.getFileName().toString();
    boolean alive;
    try {
      long leaseholder = Long.parseLong(name.substring(0, name.indexOf('-')));
      String started = Files.readString(lease, StandardCharsets.UTF_8).trim();
      alive =
          ProcessHandle.of(leaseholder)
              .filter(ProcessHandle::isAlive)
              .map(h -> started.isEmpty() || startTime(h).isEmpty() || startTime(h).equals(started))
              .orElse(false);
    } catch (IOException | RuntimeException e) {
      alive = false;
    }
    if (!alive) {
      try {
        Files.deleteIfExists(lease);
      } catch (IOException e) {
        LOG.warn("could not remove the stale lease {}: {}", lease, e.toString());
      }
    }
    return alive;
  }

  /** The leases of live processes other than {@code except}'s. */
  private static List<Path> otherLiveLeases(BrokerFiles files, Path except) throws IOException {
    if (!Files.isDirectory(files.leases())) {
      return List.of();
    }
    try (var list = Files.list(files.leases())) {
      return list.filter(p -> !p.equals(except)).filter(LocalKafkaBroker::live).toList();
    }
  }

  private static LocalKafkaBroker startLocked(BrokerFiles files, Path libs, int port)
      throws IOException, InterruptedException {
    Path dataDir = files.dir();
    BrokerFiles.Ports ports = files.ports(port);
    String bootstrap = BrokerFiles.HOST + ":" + ports.broker();
    Optional<ProcessHandle> running = runningBroker(files);
    if (running.isPresent() && portOpen(ports.broker())) {
      awaitReady(bootstrap, ports.broker(), running.get());
      LOG.info("reusing the Kafka broker at {} (pid {})", bootstrap, running.get().pid());
      return new LocalKafkaBroker(files, bootstrap, running.get().pid(), false);
    }
    if (portOpen(ports.broker())) {
      throw new IOException(
          "port "
              + ports.broker()
              + " is taken by another program; the broker of "
              + dataDir
              + " needs it");
    }
    List<Path> jars = jars(libs);
    files.write(ports);
    if (!files.formatted()) {
      format(files, libs);
    }
    ProcessBuilder builder =
        new ProcessBuilder(
                java(),
                "-Xms128m",
                "-Xmx512m",
                "-Dlog4j2.configurationFile=" + files.log4jConfig(),
                "-cp",
                classpath(libs),
                "kafka.Kafka",
                files.serverProperties().toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(files.brokerLog().toFile()));
    LOG.info(
        "starting a Kafka broker at {} ({} jars, data in {})", bootstrap, jars.size(), dataDir);
    Process process = builder.start();
    process.getOutputStream().close();
    files.writePid(process.pid());
    LocalKafkaBroker broker = new LocalKafkaBroker(files, bootstrap, process.pid(), true);
    try {
      awaitReady(bootstrap, ports.broker(), process.toHandle());
    } catch (IOException e) {
      broker.stop(); // never leave a half-started broker behind
      throw new IOException(e.getMessage() + logTail(files), e);
    } catch (InterruptedException | RuntimeException e) {
      broker.stop();
      throw e;
    }
    return broker;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public long pid() {
    return pid;
  }

  /** True when this handle started the process; false when it found it running. */
  public boolean startedHere() {
    return startedHere;
  }

  public Path brokerLog() {
    return files.brokerLog();
  }

  /**
   * Stops the broker process (a controlled shutdown, forced after 30 s) and waits for it, whoever
   * else uses it; this handle's lease is given back.
   */
  public void stop() throws InterruptedException {
    stopping = true;
    releaseLease();
    try {
      stopProcess();
    } finally {
      stopping = false;
    }
  }

  private void releaseLease() {
    if (lease != null) {
      try {
        Files.deleteIfExists(lease);
      } catch (IOException e) {
        LOG.warn("could not remove {}: {}", lease, e.toString());
      }
      lease = null;
    }
  }

  private void stopProcess() throws InterruptedException {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isPresent() && handle.get().isAlive()) {
      handle.get().destroy();
      try {
        handle.get().onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        LOG.warn("the Kafka broker (pid {}) did not stop in {}; killing it", pid, STOP_TIMEOUT);
        handle.get().destroyForcibly();
        handle.get().onExit().join();
      }
    }
    removePidFile();
  }

  /** Kills the broker process (SIGKILL) and waits for it to end. */
  private void killProcess() {
    ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .ifPresent(
            handle -> {
              handle.destroyForcibly();
              handle.onExit().join();
            });
    removePidFile();
  }

  private void removePidFile() {
    try {
      Files.deleteIfExists(files.pidFile());
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", files.pidFile(), e.toString());
    }
  }

  /**
   * Gives this handle's lease back and stops the broker when no other live process (or other handle
   * of this one) still holds a lease on it.
   */
  @Override
  public void close() {
    close(false);
  }

  /**
   * As {@link #close()}, for a process about to halt (a second Ctrl-C): a broker no one else uses
   * is killed at once rather than shut down, which its log recovers from on the next start, and so
   * is one that a {@link #close()} on another thread is already shutting down. A broker another
   * process still uses is left running.
   */
  public void closeNow() {
    if (stopping) {
      // This handle's close (or stop) is already stopping the broker and waits up to 30 s for its
      // controlled shutdown: left alone, a process halting now would leave it running (a hung
      // broker for good) with its pid file.
      killProcess();
      return;
    }
    close(true);
  }

  private void close(boolean now) {
    if (lease == null) {
      return; // closed or stopped already
    }
    Path mine = lease;
    try {
      boolean last =
          locked(
              files,
              () -> {
                List<Path> others = otherLiveLeases(files, mine);
                if (!others.isEmpty()) {
                  releaseLease();
                  LOG.info(
                      "leaving the Kafka broker (pid {}) running: {} other user(s) hold a lease",
                      pid,
                      others.size());
                  return false;
                }
                // Set before the lease goes, so a closeNow that finds no lease knows why; unset
                // once the process is gone, so its pid, perhaps reused, is never killed later.
                stopping = true;
                releaseLease();
                try {
                  if (now) {
                    killProcess();
                  } else {
                    stopProcess();
                  }
                } finally {
                  stopping = false;
                }
                return true;
              });
      if (last) {
        LOG.info(
            "{} the Kafka broker (pid {}): no other user held a lease",
            now ? "killed" : "stopped",
            pid);
      }
    } catch (IOException e) {
      LOG.warn(
          "could not check the leases of the Kafka broker in {}: {}", files.dir(), e.toString());
      releaseLease();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Optional<ProcessHandle> runningBroker(BrokerFiles files) {
    return files
        .pid()
        .flatMap(ProcessHandle::of)
        .filter(ProcessHandle::isAlive)
        // A pid file outliving a reboot may name an unrelated process now.
        .filter(h -> h.info().commandLine().map(c -> c.contains("kafka.Kafka")).orElse(true));
  }

  private static void format(BrokerFiles files, Path libs)
      throws IOException, InterruptedException {
    Process format =
        new ProcessBuilder(
                java(),
                "-Dlog4j2.configurationFile=" + files.log4jConfig(),
                "-cp",
                classpath(libs),
                "kafka.tools.StorageTool",
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                files.serverProperties().toString(),
                "--standalone")
            .redirectErrorStream(true)
            .start();
    String output = new String(format.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (format.waitFor() != 0) {
      throw new IOException("formatting the Kafka storage failed:\n" + output);
    }
  }

  private static void awaitReady(String bootstrap, int port, ProcessHandle process)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Map<String, Object> props =
        Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("the Kafka broker exited while starting; see its log");
      }
      // An Admin made before the port opens backs off for seconds: wait for the port first.
      if (portOpen(port)) {
        try (Admin admin = Admin.create(props)) {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          // listening, but not serving yet
        }
      }
      Thread.sleep(100);
    }
    throw new IOException(
        "the Kafka broker at " + bootstrap + " was not ready within " + READY_TIMEOUT);
  }

  private static String logTail(BrokerFiles files) {
    try {
      List<String> lines = Files.readAllLines(files.brokerLog(), StandardCharsets.UTF_8);
      return "\nlast lines of "
          + files.brokerLog()
          + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean portOpen(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(BrokerFiles.HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<Path> jars(Path libs) throws IOException {
    List<Path> jars = new ArrayList<>();
    if (Files.isDirectory(libs)) {
      try (var list = Files.list(libs)) {
        list.filter(p -> p.toString().endsWith(".jar")).forEach(jars::add);
      }
    }
    if (jars.stream().noneMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-"))) {
      throw new IOException(
          "no Kafka broker jars in "
              + libs
              + "; build the project first (mvn package puts them in deploy/kafka/target/libs)");
    }
    return jars;
  }

  private static String classpath(Path libs) {
    return libs.toAbsolutePath() + "/*";
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
