package org.neuronexplainer.common.storage.azure;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.neuronexplainer.common.testing.Await;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one Azurite blob service (from npm, no Docker) for the whole test run and hands it to
 * tests as an {@link Azurite} parameter; it is stopped when the run ends.
 *
 * <p>Azurite comes from {@code deploy/azurite} ({@code npm ci} on first use). Without node and npm
 * the tests are skipped, except under {@code CI=true}, where a missing emulator must fail the build
 * rather than quietly test nothing.
 */
public final class AzuriteExtension
    implements ExecutionCondition, BeforeAllCallback, ParameterResolver {

  private static final Logger LOG = LoggerFactory.getLogger(AzuriteExtension.class);
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(AzuriteExtension.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  private static final Duration NPM_CI_LIMIT = Duration.ofMinutes(5);
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  /** Disabled (reported as skipped) without node, so nothing is started; never under CI=true. */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (!Server.ci() && (!Server.onPath("node") || !Server.onPath("npm"))) {
      String why = Server.NO_NODE + "; skipping the Azure Blob integration tests";
      // Maven's summary shows skipped tests but not why: say it once where it is seen.
      if (!WARNED.getAndSet(true)) {
        LOG.warn(why);
      }
      return ConditionEvaluationResult.disabled(why);
    }
    return ConditionEvaluationResult.enabled("node and npm are on the PATH, or CI=true");
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    running(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Azurite.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return running(context).azurite();
  }

  private static Server running(ExtensionContext context) {
    // The root store outlives every test class, so all classes share one Azurite, and closes its
    // AutoCloseable values when the run ends.
    Server server =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(Server.class, k -> Server.start(), Server.class);
    if (server.unavailable() != null) {
      Assumptions.abort(server.unavailable());
    }
    return server;
  }

  /** A running Azurite, or why there is none (then tests are skipped). */
  record Server(Process process, Azurite azurite, String unavailable) implements AutoCloseable {

    static final String NO_NODE =
        "node and npm are needed to run Azurite (deploy/azurite); install Node 20";

    static boolean ci() {
      return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    static Server start() {
      Path dir = azuriteDir();
      if (!onPath("node") || !onPath("npm")) {
        if (ci()) {
          throw new IllegalStateException(NO_NODE + " (CI=true: not skipping)");
        }
        return new Server(null, null, NO_NODE + "; skipping the Azure Blob integration tests");
      }
      try {
        Path bin = dir.resolve("node_modules/.bin/azurite-blob");
        if (!Files.isExecutable(bin)) {
          npmCi(dir);
        }
        return launchOnAFreePort(bin);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start Azurite from " + dir + ": " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting Azurite", e);
      }
    }

    private static void npmCi(Path dir) throws IOException, InterruptedException {
      LOG.info("Installing Azurite with npm ci in {} (first run only, about 40 s)", dir);
      Path log = Path.of("target", "azurite-npm-ci.log").toAbsolutePath();
      Files.createDirectories(log.getParent());
      Process npm =
          new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!npm.waitFor(NPM_CI_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        npm.destroyForcibly();
        throw new IOException("npm ci took over " + NPM_CI_LIMIT + "; see " + log);
      }
      if (npm.exitValue() != 0) {
        throw new IOException("npm ci exited with " + npm.exitValue() + "; see " + log);
      }
    }

    /** The port was free a moment ago; another process may take it first, so try a few. */
    private static Server launchOnAFreePort(Path bin) throws IOException, InterruptedException {
      IOException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        try {
          return launch(bin, freePort());
        } catch (IOException e) {
          last = e;
        }
      }
      throw last;
    }

    private static Server launch(Path bin, int port) throws IOException, InterruptedException {
      Path work = Files.createTempDirectory("azurite-");
      Path log = Path.of("target", "azurite.log").toAbsolutePath();
      Files.createDirectories(log.getParent());
      List<String> command =
          List.of(
              bin.toString(),
              "--blobHost",
              "127.0.0.1",
              "--blobPort",
              Integer.toString(port),
              "--inMemoryPersistence",
              "--disableTelemetry",
              "--skipApiVersionCheck",
              "--loose",
              "--extentMemoryLimit",
              "512");
      Process process =
          new ProcessBuilder(command)
              .directory(work.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      // Belt and braces: a JVM killed before the store closes must not leave Azurite running.
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
      Azurite azurite = new Azurite("127.0.0.1", port);
      awaitReady(process, azurite, log);
      LOG.info("Azurite blob service at {} (pid {})", azurite.blobEndpoint(), process.pid());
      return new Server(process, azurite, null);
    }

    /** Ready once it answers HTTP at all: any status means the blob service is listening. */
    private static void awaitReady(Process process, Azurite azurite, Path log) throws IOException {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      HttpRequest probe =
          HttpRequest.newBuilder(URI.create(azurite.blobEndpoint() + "?comp=list"))
              .timeout(Duration.ofSeconds(2))
              .build();
      try {
        Await.until(
            START_LIMIT,
            "Azurite to answer",
            () -> {
              if (!process.isAlive()) {
                throw new IOException("Azurite exited with " + process.exitValue());
              }
              try {
                http.send(probe, HttpResponse.BodyHandlers.discarding());
                return true;
              } catch (IOException notYet) {
                return false;
              }
            },
            answered -> answered);
      } catch (AssertionError e) {
        // An IOException, so that the caller tries another port.
        process.destroyForcibly();
        throw new IOException(e.getMessage() + "; see " + log, e);
      }
    }

    @Override
    public void close() throws InterruptedException {
      if (process == null) {
        return;
      }
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }

    private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0)) {
        return socket.getLocalPort();
      }
    }

    static boolean onPath(String program) {
      String path = System.getenv("PATH");
      if (path == null) {
        return false;
      }
      for (String dir : path.split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, program))) {
          return true;
        }
      }
      return false;
    }

    /** deploy/azurite of this checkout, found upwards from the working directory. */
    private static Path azuriteDir() {
      for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
        Path candidate = p.resolve("deploy/azurite");
        if (Files.isRegularFile(candidate.resolve("package.json"))) {
          return candidate;
        }
      }
      throw new IllegalStateException(
          "deploy/azurite/package.json not found above " + Path.of("").toAbsolutePath());
    }
  }
}
