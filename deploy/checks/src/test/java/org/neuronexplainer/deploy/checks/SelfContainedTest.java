package org.neuronexplainer.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository carries everything it needs: no file of it names a path outside it, or a document
 * that is not in it. A clone in an empty folder must build, test and read complete.
 */
class SelfContainedTest {

  // Spelled in pieces, so that this file does not name them itself.
  private static final List<String> FORBIDDEN =
      List.of(
          ".." + "/shared",
          "/" + "work/",
          "shared" + ".dir",
          "METHOD" + ".md",
          "ARCHITECTURE" + ".md",
          "TOOLCHAIN" + ".md");

  // A run of parent-folder steps in a path: "..", "../x", "${root}/../x"; not an ellipsis, a
  // range "a..b" or a quoted range "0".."10".
  private static final Pattern CLIMB =
      Pattern.compile("(?<![\\w.])(?<!\\w[\"'])\\.\\.(?:/\\.\\.)*(?=/|\\s|$|[\"'`),;])");

  private static final Set<String> NOT_OURS = Set.of("target", "node_modules", ".git");

  @Test
  void noFileNamesAPathOutsideTheRepository() throws Exception {
    List<String> findings = new ArrayList<>();
    List<Path> files = files();
    assertThat(files).as("files of the repository").isNotEmpty();
    for (Path file : files) {
      findings.addAll(findings(Tools.ROOT.relativize(file)));
    }
    assertThat(findings).as("paths or documents outside the repository").isEmpty();
  }

  @Test
  void parentStepsCountOnlyWhereTheyLeaveTheRepository() {
    assertThat(findings("pom.xml", "<dir>${root}/../elsewhere</dir>")).hasSize(1);
    assertThat(findings("bin/test", "cd \"$(dirname \"$0\")/..\"")).isEmpty();
    assertThat(findings("bin/test", "cd ../..")).hasSize(1);
    assertThat(findings("deploy/checks/pom.xml", "<relativePath>../../pom.xml")).isEmpty();
    assertThat(findings("docs/a.md", "and so on... or [a..b] or \"0\"..\"10\"")).isEmpty();
    assertThat(findings("cli/Main.java", "Path.of(\"../..\")")).hasSize(1);
    assertThat(findings("docs/a.md", "see METHOD" + ".md")).hasSize(1);
  }

  /** The files git tracks or would track; a walk of the folder where there is no git. */
  private static List<Path> files() throws IOException, InterruptedException {
    List<Path> listed = gitFiles();
    if (listed != null) {
      return listed;
    }
    try (Stream<Path> walk = Files.walk(Tools.ROOT)) {
      return walk.filter(Files::isRegularFile)
          .filter(f -> !ignored(Tools.ROOT.relativize(f)))
          .toList();
    }
  }

  private static List<Path> gitFiles() throws InterruptedException {
    try {
      Process git =
          new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
              .directory(Tools.ROOT.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] out = git.getInputStream().readAllBytes();
      if (!git.waitFor(30, TimeUnit.SECONDS) || git.exitValue() != 0) {
        return null;
      }
      List<Path> files = new ArrayList<>();
      for (String name : new String(out, StandardCharsets.UTF_8).split("\0")) {
        Path file = Tools.ROOT.resolve(name);
        // Deleted in the work tree but not yet in the index.
        if (!name.isEmpty() && Files.isRegularFile(file)) {
          files.add(file);
        }
      }
      return files;
    } catch (IOException noGit) {
      return null;
    }
  }

  private static boolean ignored(Path relative) {
    for (Path part : relative) {
      if (NOT_OURS.contains(part.toString())) {
        return true;
      }
    }
    return false;
  }

  private static List<String> findings(Path relative) throws IOException {
    String text = text(Tools.ROOT.resolve(relative));
    return text == null ? List.of() : findings(relative.toString(), text);
  }

  /** The file's text, or null for a binary file (weights, images). */
  private static String text(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    for (byte b : bytes) {
      if (b == 0) {
        return null;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException notText) {
      return null;
    }
  }

  /**
   * "file:line: what" for each forbidden name and each run of parent steps longer than the file's
   * depth in the repository: from wherever the file is used (its folder, or its module's folder
   * above it), such a path leaves the repository.
   */
  static List<String> findings(String relative, String text) {
    int depth = Path.of(relative).getNameCount() - 1;
    List<String> findings = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String where = relative + ":" + (i + 1) + ": ";
      for (String forbidden : FORBIDDEN) {
        if (line.contains(forbidden)) {
          findings.add(where + forbidden + " in: " + line.strip());
        }
      }
      Matcher climb = CLIMB.matcher(line);
      while (climb.find()) {
        int steps = (climb.group().length() + 1) / 3;
        if (steps > depth) {
          findings.add(
              where + steps + " parent steps from depth " + depth + " in: " + line.strip());
        }
      }
    }
    return findings;
  }
}
