package org.neuronexplainer.cli.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import org.neuronexplainer.cli.UserException;

/**
 * Checks a store directory given on the command line before anything starts, so that a wrong path
 * is named in plain words at once rather than as a store error after the broker and the coordinator
 * are up, or after a model has loaded.
 */
public final class StoreDirectory {
  private StoreDirectory() {}

  /**
   * A store a run reads its NeuronRecords from must be an existing directory; a store a capture run
   * fills may be new, as long as its parent is a directory it can be created in.
   *
   * @param store the directory given with {@code --store}
   * @param capturing true when the run writes the store's NeuronRecords itself
   */
  static void check(Path store, boolean capturing) {
    String flag = "--store " + store;
    if (Files.isDirectory(store)) {
      if (!Files.isWritable(store)) {
        throw new UserException(flag + ": permission denied (the run writes its results there)", 2);
      }
      return;
    }
    if (Files.exists(store)) {
      throw new UserException(flag + ": is a file, not a directory", 2);
    }
    if (!capturing) {
      throw new UserException(
          flag
              + ": no such directory (a run without --capture reads the NeuronRecords of an"
              + " existing store)",
          2);
    }
    Path parent = store.toAbsolutePath().normalize().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new UserException(
          flag
              + ": cannot be created: "
              + (parent != null && Files.exists(parent)
                  ? parent + " is a file, not a directory"
                  : "no such directory " + parent),
          2);
    }
    if (!Files.isWritable(parent)) {
      throw new UserException(flag + ": cannot be created: permission denied in " + parent, 2);
    }
  }

  /**
   * A store a command writes into, created with its missing parents when it is not there: it must
   * not be a file, nor lie under one, and must be writable.
   *
   * @param flag the option that named it, e.g. {@code --out}
   */
  public static void checkWritable(Path store, String flag) {
    String named = flag + " " + store;
    if (Files.isDirectory(store)) {
      if (!Files.isWritable(store)) {
        throw new UserException(named + ": permission denied", 2);
      }
      return;
    }
    if (Files.exists(store)) {
      throw new UserException(named + ": is a file, not a directory", 2);
    }
    for (Path dir = store.toAbsolutePath().normalize().getParent();
        dir != null;
        dir = dir.getParent()) {
      if (!Files.exists(dir)) {
        continue;
      }
      if (!Files.isDirectory(dir)) {
        throw new UserException(
            named + ": cannot be created: " + dir + " is a file, not a directory", 2);
      }
      if (!Files.isWritable(dir)) {
        throw new UserException(named + ": cannot be created: permission denied in " + dir, 2);
      }
      return;
    }
  }
}
