package org.neuronexplainer.cli.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.neuronexplainer.cli.UserException;
import org.neuronexplainer.common.storage.FileErrors;

/** Expands command arguments (files and directories) into the dataset files to read. */
final class DatasetPaths {
  private DatasetPaths() {}

  /**
   * A file to read, its path relative to the argument it was found under, and whether the user
   * named it (rather than a directory walk finding it).
   */
  record Target(Path file, Path relative, boolean named) {}

  /**
   * Every file named, and every file under a directory named that {@code wanted} accepts, in
   * natural order. A missing path, or a directory with nothing wanted in it, is the user's error.
   */
  static List<Target> expand(List<Path> paths, Predicate<Path> wanted, String wantedDescription) {
    List<Target> targets = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        List<Path> found = filesUnder(path, wanted);
        if (found.isEmpty()) {
          throw new UserException("no " + wantedDescription + " under " + path);
        }
        found.forEach(file -> targets.add(new Target(file, path.relativize(file), false)));
      } else if (Files.isRegularFile(path)) {
        targets.add(new Target(path, path.getFileName(), true));
      } else {
        throw new UserException("no such file or directory: " + path);
      }
    }
    return targets;
  }

  /** Dataset files: {@code .json} and {@code .jsonl}, hidden files aside. */
  static boolean isDatasetFile(Path file) {
    String name = file.getFileName().toString();
    return (name.endsWith(".json") || name.endsWith(".jsonl")) && !name.startsWith(".");
  }

  /** Explanation files ({@code explanations/L/N.jsonl} in the public layout). */
  static boolean isExplanationFile(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".jsonl") && !name.startsWith(".");
  }

  private static List<Path> filesUnder(Path directory, Predicate<Path> wanted) {
    try (Stream<Path> walk = Files.walk(directory)) {
      return walk.filter(Files::isRegularFile)
          .filter(file -> !inStoreBookkeeping(directory.relativize(file)))
          .filter(wanted)
          .sorted(NATURAL_ORDER)
          .toList();
    } catch (IOException e) {
      throw new UserException(
          "cannot list " + directory + ": " + FileErrors.describe(e, directory));
    } catch (UncheckedIOException e) {
      throw new UserException(
          "cannot list " + directory + ": " + FileErrors.describe(e.getCause(), directory));
    }
  }

  /**
   * A store keeps run records ({@code runs/}, each run's own results among them), the sources of
   * its explanations view ({@code explanation-sources/}) and cached LLM answers ({@code
   * llm-cache/}) beside the dataset files; they are not the store's dataset, so a directory walk
   * passes them by (a run's results folder named on its own is read).
   */
  static boolean inStoreBookkeeping(Path relative) {
    for (Path segment : relative) {
      String name = segment.toString();
      if (name.equals("runs") || name.equals("llm-cache") || name.equals("explanation-sources")) {
        return true;
      }
    }
    return false;
  }

  /** Paths in reading order: numeric segments by value, so layer 9 comes before layer 10. */
  static final Comparator<Path> NATURAL_ORDER = DatasetPaths::compareNaturally;

  private static int compareNaturally(Path a, Path b) {
    Iterator<Path> left = a.iterator();
    Iterator<Path> right = b.iterator();
    while (left.hasNext() && right.hasNext()) {
      int order = compareSegments(left.next().toString(), right.next().toString());
      if (order != 0) {
        return order;
      }
    }
    return Boolean.compare(left.hasNext(), right.hasNext());
  }

  private static int compareSegments(String a, String b) {
    String numberA = leadingDigits(a);
    String numberB = leadingDigits(b);
    if (!numberA.isEmpty()
        && !numberB.isEmpty()
        && numberA.length() <= 18
        && numberB.length() <= 18) {
      int order = Long.compare(Long.parseLong(numberA), Long.parseLong(numberB));
      if (order != 0) {
        return order;
      }
    }
    return a.compareTo(b);
  }

  private static String leadingDigits(String segment) {
    int end = 0;
    while (end < segment.length() && Character.isDigit(segment.charAt(end))) {
      end++;
    }
    return segment.substring(0, end);
  }
}
