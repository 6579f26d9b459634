package org.neuronexplainer.common.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * File system errors in plain words with the path they are about ("permission denied: /data/runs"),
 * never an exception's class name, so that a user sees the cause without a stack trace.
 */
public final class FileErrors {
  private FileErrors() {}

  /** What went wrong and where, e.g. {@code permission denied: /data/runs}. */
  public static String describe(IOException error) {
    if (!(error instanceof FileSystemException fs)) {
      String message = error.getMessage();
      return message == null || message.isBlank() ? "input/output error" : message;
    }
    String where = fs.getFile() == null ? "" : ": " + fs.getFile();
    if (fs.getOtherFile() != null) {
      where += " -> " + fs.getOtherFile();
    }
    return cause(fs) + where;
  }

  /**
   * What went wrong with {@code path}: a file in the way where one of its directories should be
   * ({@link #fileInTheWay}); else as {@link #describe(IOException)} when the error names its file;
   * else the error's words followed by {@code path}.
   */
  public static String describe(IOException error, Path path) {
    Optional<String> inTheWay = fileInTheWay(path);
    if (inTheWay.isPresent()) {
      return inTheWay.get();
    }
    if (error instanceof FileSystemException fs && fs.getFile() != null) {
      return describe(error);
    }
    String reason = error instanceof FileSystemException fs ? cause(fs) : describe(error);
    return reason + ": " + path;
  }

  /**
   * The plain words for {@code error} when it is a file system error, wrapped or not; empty for any
   * other failure, which stays unexpected.
   */
  public static Optional<String> describeIfFileError(Throwable error) {
    Throwable cause =
        error instanceof UncheckedIOException unchecked ? unchecked.getCause() : error;
    return cause instanceof FileSystemException fs ? Optional.of(describe(fs)) : Optional.empty();
  }

  /**
   * Why {@code file} cannot be read or written when one of its ancestors is a regular file (a store
   * or an output named after an existing file): {@code /data/store is a file, not a directory}.
   */
  public static Optional<String> fileInTheWay(Path file) {
    for (Path dir = file.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir)) {
        return Files.isDirectory(dir)
            ? Optional.empty()
            : Optional.of(dir + " is a file, not a directory");
      }
    }
    return Optional.empty();
  }

  private static String cause(FileSystemException error) {
    if (error instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (error instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (error instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (error instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (error instanceof DirectoryNotEmptyException) {
      return "directory not empty";
    }
    String reason = error.getReason();
    if (reason == null || reason.isBlank()) {
      return "cannot access";
    }
    // The operating system's words ("Read-only file system", "No space left on device").
    return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
  }
}
