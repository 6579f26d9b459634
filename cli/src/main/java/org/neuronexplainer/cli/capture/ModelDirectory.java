package org.neuronexplainer.cli.capture;

import java.nio.file.Path;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.hub.HubException;
import org.neuronexplainer.worker.capture.hub.HubModelCache;

/**
 * Turns the {@code --model} argument into a checkpoint directory before anything heavy starts: a
 * directory is itself, a hub id is downloaded once into the local cache. The same for {@code
 * --sae}.
 */
public final class ModelDirectory {
  private ModelDirectory() {}

  public static Path require(String model) {
    return require(model, "--model");
  }

  /** As {@link #require(String)}, for a model given by {@code flag} (an option or a variable). */
  public static Path require(String model, String flag) {
    return require(model, flag, HubModelCache.fromEnvironment());
  }

  static Path require(String model, HubModelCache cache) {
    return require(model, "--model", cache);
  }

  private static Path require(String model, String flag, HubModelCache cache) {
    try {
      return cache.resolve(model);
    } catch (HubException e) {
      // Messages about the argument itself start with it; download errors stand alone.
      String message = e.getMessage();
      String named = flag.startsWith("-") ? flag + " " : flag + ": ";
      throw new UserException(message.startsWith(model) ? named + message : message);
    }
  }

  /**
   * Turns an SAE location into its directory before anything heavy starts: a directory is itself,
   * an SAE on the hub ({@code hf:owner/name/folder}) is downloaded once into the local cache.
   */
  public static Path requireSae(String location) {
    return requireSae(location, HubModelCache.fromEnvironment());
  }

  static Path requireSae(String location, HubModelCache cache) {
    try {
      return cache.resolveSae(location);
    } catch (HubException e) {
      throw new UserException("--sae " + location + ": " + e.getMessage());
    }
  }
}
