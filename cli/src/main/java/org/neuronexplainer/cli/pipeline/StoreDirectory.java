package org.neuronexplainer.cli.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import org.neuronexplainer.cli.UserException;

/**
 * Checks {@code run --store} before anything starts, so that a wrong path is named in plain words
 * at once rather than as a store error after the broker and the coordinator are up.
 */
final class StoreDirectory {
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
      throw new UserException(flag + ": not a directory", 2);
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
                  ? parent + " is not a directory"
                  : "no such directory " + parent),
          2);
    }
    if (!Files.isWritable(parent)) {
      throw new UserException(flag + ": cannot be created: permission denied in " + parent, 2);
    }
  }
}
