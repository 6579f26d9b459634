package org.neuronexplainer.worker.capture.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.neuronexplainer.common.hub.HubConfig;
import org.neuronexplainer.common.hub.HubException;
import org.neuronexplainer.common.hub.HubId;
import org.neuronexplainer.common.hub.HubRequests;
import org.neuronexplainer.common.hub.HubSaeRef;

/**
 * Resolves a {@code --model} argument to a checkpoint directory: an existing directory is itself; a
 * hub id is downloaded once into {@code modelsRoot/owner--name/revision} and served from there
 * afterwards without touching the network.
 */
public final class HubModelCache {
  /** Written last: a folder without it is an interrupted download, never a model. */
  static final String COMPLETE = ".complete";

  /**
   * Written last in an SAE's folder; not {@link #COMPLETE}, so that an SAE at a repository's root
   * and a model of the same repository do not vouch for each other.
   */
  static final String SAE_COMPLETE = ".complete-sae";

  static final String SAE_CONFIG = "cfg.json";
  static final String SAE_WEIGHTS = "sae_weights.safetensors";

  private static final String LOCK = ".lock";
  // FileLock is per process; threads of one process queue on this first.
  private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private final HubConfig config;
  private final FileDownloader downloader;
  private final PrintStream log;

  public HubModelCache(HubConfig config, PrintStream log, boolean tty) {
    this(config, HubRequests.client(Duration.ofSeconds(20)), log, tty);
  }

  HubModelCache(HubConfig config, HttpClient client, PrintStream log, boolean tty) {
    this.config = config;
    this.downloader = new FileDownloader(config, client, log, tty);
    this.log = log;
  }

  /** The cache the process environment names, logging to stderr. */
  public static HubModelCache fromEnvironment() {
    return new HubModelCache(
        HubConfig.fromEnv(System.getenv(), Path.of(System.getProperty("user.home"))),
        System.err,
        System.console() != null);
  }

  /**
   * A directory as itself, or a hub id's cached copy, downloaded first if needed.
   *
   * @throws HubException when {@code model} is neither, or the download fails
   */
  public Path resolve(String model) {
    Path path = Path.of(model);
    if (Files.isDirectory(path)) {
      return path;
    }
    if (Files.exists(path)) {
      throw new HubException(model + " is a file; expected a checkpoint directory or a hub id");
    }
    Optional<HubId> id = HubId.parse(model);
    if (id.isEmpty()) {
      throw new HubException(
          model + ": no such directory, and not a hub id like openai-community/gpt2");
    }
    return download(id.get());
  }

  /** The hub id's directory, downloading whatever is not there yet. */
  public Path download(HubId id) {
    Path dir = config.modelsRoot().resolve(id.cacheFolder());
    return locked(id.toString(), dir, COMPLETE, () -> fetchAll(id, dir));
  }

  /**
   * An SAE directory as itself, or an SAE on the hub ({@code hf:owner/name/folder}) from its cached
   * copy, downloaded first if needed.
   *
   * @throws HubException for a malformed reference or a failed download
   */
  public Path resolveSae(String location) {
    if (!HubSaeRef.isRef(location)) {
      return Path.of(location);
    }
    HubSaeRef ref;
    try {
      ref = HubSaeRef.parse(location);
    } catch (IllegalArgumentException e) {
      throw new HubException(e.getMessage(), e);
    }
    return download(ref);
  }

  /**
   * The SAE's folder in the cache, beside the models ({@code owner--name/revision/folder}), holding
   * its {@code cfg.json} and {@code sae_weights.safetensors}; downloaded once, as a model is.
   */
  public Path download(HubSaeRef sae) {
    Path dir = config.modelsRoot().resolve(sae.cacheFolder());
    return locked(sae.toString(), dir, SAE_COMPLETE, () -> fetchSae(sae, dir));
  }

  private interface Fetch {
    void run() throws IOException;
  }

  /** Runs {@code fetch} under the folder's locks unless {@code complete} says it is done. */
  private Path locked(String what, Path dir, String complete, Fetch fetch) {
    if (Files.exists(dir.resolve(complete))) {
      return dir;
    }
    ReentrantLock threads =
        IN_PROCESS.computeIfAbsent(dir.toAbsolutePath(), d -> new ReentrantLock());
    threads.lock();
    try {
      Files.createDirectories(dir);
      try (FileChannel channel =
              FileChannel.open(
                  dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = acquire(channel, what)) {
        // Another process may have finished while this one waited.
        if (!Files.exists(dir.resolve(complete))) {
          fetch.run();
        }
      }
    } catch (IOException e) {
      throw new HubException("cannot write the model cache " + dir + ": " + e.getMessage(), e);
    } finally {
      threads.unlock();
    }
    return dir;
  }

  private FileLock acquire(FileChannel channel, String what) throws IOException {
    FileLock lock = channel.tryLock();
    if (lock == null) {
      log.println("waiting for another process that is downloading " + what + " ...");
      lock = channel.lock();
    }
    return lock;
  }

  private void fetchAll(HubId id, Path dir) throws IOException {
    log.println("downloading " + id + " from " + config.endpoint() + " into " + dir);
    deleteLeftoverParts(dir);
    fetch(id, dir, "config.json", true);
    if (!fetch(id, dir, "model.safetensors", false)) {
      if (!fetch(id, dir, "model.safetensors.index.json", false)) {
        throw new HubException(
            "no such model or file: "
                + id
                + " has neither model.safetensors nor model.safetensors.index.json");
      }
      for (String shard : shards(dir.resolve("model.safetensors.index.json"))) {
        fetch(id, dir, shard, true);
      }
    }
    if (!fetch(id, dir, "tokenizer.json", false)) {
      boolean vocab = fetch(id, dir, "vocab.json", false);
      boolean merges = vocab && fetch(id, dir, "merges.txt", false);
      if (!merges) {
        throw new HubException(
            "no such model or file: "
                + id
                + " has no tokenizer: neither tokenizer.json nor vocab.json and merges.txt");
      }
    }
    Files.writeString(dir.resolve(COMPLETE), id + System.lineSeparator());
  }

  private void fetchSae(HubSaeRef sae, Path dir) throws IOException {
    log.println("downloading SAE " + sae + " from " + config.endpoint() + " into " + dir);
    deleteLeftoverParts(dir);
    for (String file : new String[] {SAE_CONFIG, SAE_WEIGHTS}) {
      Path target = dir.resolve(file);
      if (!Files.exists(target)
          && !downloader.download(sae.id(), sae.file(file), target, "--sae")) {
        throw new HubException(
            "no such SAE or file: "
                + sae.id()
                + " on "
                + config.endpoint()
                + " has no "
                + sae.file(file)
                + " (an SAE on the hub is a folder with "
                + SAE_CONFIG
                + " and "
                + SAE_WEIGHTS
                + ", SAELens' layout)");
      }
    }
    Files.writeString(dir.resolve(SAE_COMPLETE), sae + System.lineSeparator());
  }

  /** Temporary files of a process that was killed mid-download; the lock says none is running. */
  private static void deleteLeftoverParts(Path dir) throws IOException {
    try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, "*.part")) {
      for (Path part : parts) {
        Files.deleteIfExists(part);
      }
    }
  }

  /** True when the file is there (now or from an earlier, interrupted run). */
  private boolean fetch(HubId id, Path dir, String file, boolean required) {
    Path target = dir.resolve(file);
    if (Files.exists(target)) {
      return true;
    }
    boolean found = downloader.download(id, file, target);
    if (!found && required) {
      throw new HubException("no such model or file: " + id + " has no " + file);
    }
    return found;
  }

  private static TreeSet<String> shards(Path index) {
    TreeSet<String> files = new TreeSet<>();
    try {
      JsonNode weightMap = new ObjectMapper().readTree(index.toFile()).path("weight_map");
      weightMap.elements().forEachRemaining(file -> files.add(file.asText()));
    } catch (IOException e) {
      throw new HubException("cannot read the shard index " + index + ": " + e.getMessage(), e);
    }
    for (String file : files) {
      // A shard name comes from the network: it must stay inside the model's folder.
      if (!file.matches("[A-Za-z0-9._-]+") || file.startsWith(".")) {
        throw new HubException("refused shard name " + file + " in " + index);
      }
    }
    if (files.isEmpty()) {
      throw new HubException(index + " lists no shards");
    }
    return files;
  }
}
