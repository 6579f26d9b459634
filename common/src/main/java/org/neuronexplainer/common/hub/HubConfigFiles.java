package org.neuronexplainer.common.hub;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the small config files of hub repositories ({@code config.json} of a model, {@code
 * cfg.json} of an SAE) into memory, for a process that plans from them without downloading weights.
 * Each file is read once per instance; a failure is not kept, so a later call asks again. Every
 * request is bounded: the connection by {@link #CONNECT_TIMEOUT}, each answer, body included, by
 * the read timeout.
 */
public final class HubConfigFiles {
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final HubRequests requests;
  private final Duration timeout;
  private final Map<URI, byte[]> read = new ConcurrentHashMap<>();

  public HubConfigFiles(HubConfig config) {
    this(config, HubRequests.client(CONNECT_TIMEOUT), READ_TIMEOUT);
  }

  public HubConfigFiles(HubConfig config, HttpClient client, Duration timeout) {
    this.requests = new HubRequests(config, client);
    this.timeout = timeout;
  }

  /** The hub the process environment names ({@code HF_ENDPOINT}, {@code HF_TOKEN}). */
  public static HubConfigFiles fromEnvironment() {
    return new HubConfigFiles(
        HubConfig.fromEnv(System.getenv(), Path.of(System.getProperty("user.home"))));
  }

  public HubConfig config() {
    return requests.config();
  }

  /**
   * The bytes of {@code file} (a path in the repository) of {@code id}.
   *
   * @throws HubException naming the id, the endpoint and what to do when the repository or the file
   *     does not exist, access is refused, or the hub cannot be reached in time
   */
  public byte[] read(HubId id, String file) {
    URI uri = requests.uri(id, file);
    byte[] known = read.get(uri);
    if (known != null) {
      return known;
    }
    HttpResponse<byte[]> response;
    try {
      response = requests.get(uri, timeout, HttpResponse.BodyHandlers.ofByteArray()).response();
    } catch (IOException e) {
      throw new HubException(
          "cannot read "
              + file
              + " of "
              + id
              + " from "
              + config().endpoint()
              + ": "
              + HubRequests.reason(e)
              + ". If this machine cannot reach the hub, set HF_ENDPOINT to a mirror it can reach,"
              + " or give a directory instead of the hub id",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HubException("interrupted while reading " + file + " of " + id, e);
    }
    if (!requests.found(id, file, response)) {
      throw new HubException(
          "no such model or file: " + id + " on " + config().endpoint() + " has no " + file);
    }
    read.put(uri, response.body());
    return response.body();
  }
}
