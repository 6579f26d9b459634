package org.neuronexplainer.common.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What tests left behind in this JVM: child processes still alive (a Kafka broker, a worker, a
 * {@code run}), processes started since {@code since} in this JVM's process group whose parent is
 * gone, and TCP ports this JVM still listens on. Each is one line naming the process's command line
 * and its listening ports.
 *
 * <p>Ports and process groups are read from {@code /proc}, so on systems without it only the child
 * processes are seen.
 */
public final class Leftovers {

  private static final String LISTEN = "0A";
  private static final int COMMAND_LIMIT = 400;

  private Leftovers() {}

  /** One line per leftover; empty when nothing was left behind. */
  public static List<String> find(Instant since) {
    List<String> found = new ArrayList<>();
    ProcessHandle self = ProcessHandle.current();
    for (String address : listening(self.pid())) {
      found.add("this JVM listens on " + address + " (a server or broker a test did not close)");
    }
    Set<Long> seen = new HashSet<>();
    try (Stream<ProcessHandle> children = self.descendants()) {
      children
          .filter(ProcessHandle::isAlive)
          .forEach(
              p -> {
                seen.add(p.pid());
                found.add(describe("child process", p));
              });
    }
    processGroup(self.pid())
        .ifPresent(
            group -> {
              for (ProcessHandle p : orphans(group, since)) {
                if (seen.add(p.pid())) {
                  found.add(describe("orphaned process", p));
                }
              }
            });
    return found;
  }

  /**
   * Processes started since {@code since} in process group {@code group} whose parent is no longer
   * in the group: children of a process that exited without stopping them.
   */
  private static List<ProcessHandle> orphans(long group, Instant since) {
    long self = ProcessHandle.current().pid();
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.filter(p -> p.pid() != self)
          .filter(p -> processGroup(p.pid()).orElse(-1L) == group)
          .filter(p -> p.info().startInstant().map(s -> !s.isBefore(since)).orElse(false))
          .filter(
              p ->
                  p.parent()
                      .flatMap(parent -> processGroup(parent.pid()))
                      .map(g -> g != group)
                      .orElse(true))
          .filter(ProcessHandle::isAlive)
          .toList();
    }
  }

  private static String describe(String kind, ProcessHandle p) {
    String command =
        p.info().commandLine().or(() -> p.info().command()).orElse("(command unknown)");
    String what = command.contains("kafka.Kafka") ? "Kafka broker, " + kind : kind;
    List<String> addresses = listening(p.pid());
    String listening = addresses.isEmpty() ? "" : " listening on " + String.join(", ", addresses);
    if (command.length() > COMMAND_LIMIT) {
      command = command.substring(0, COMMAND_LIMIT) + " ...";
    }
    return what + " " + p.pid() + listening + ": " + command;
  }

  /**
   * The TCP addresses ({@code 127.0.0.1:41234}, {@code [::]:8080}) on which process {@code pid}
   * listens, from its socket inodes (Linux; empty elsewhere).
   */
  public static List<String> listening(long pid) {
    Set<String> inodes = socketInodes(pid);
    if (inodes.isEmpty()) {
      return List.of();
    }
    List<String> addresses = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      for (String row : lines(Path.of("/proc", Long.toString(pid), "net", table))) {
        String[] f = row.trim().split("\\s+");
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
        if (f.length > 9 && f[3].equals(LISTEN) && inodes.contains(f[9])) {
          String[] local = f[1].split(":");
          String host = address(local[0]);
          int port = Integer.parseInt(local[1], 16);
          addresses.add((host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        }
      }
    }
    return addresses.stream().distinct().sorted().toList();
  }

  /** An address as {@code /proc/net/tcp} writes it: {@code 0100007F} is 127.0.0.1. */
  static String address(String hexAddress) {
    byte[] raw = new byte[hexAddress.length() / 2];
    // The kernel prints each 32-bit word in host (little-endian) order.
    for (int word = 0; word < raw.length / 4; word++) {
      for (int b = 0; b < 4; b++) {
        int at = (word * 4 + 3 - b) * 2;
        raw[word * 4 + b] = (byte) Integer.parseInt(hexAddress.substring(at, at + 2), 16);
      }
    }
    try {
      return InetAddress.getByAddress(raw).getHostAddress();
    } catch (UnknownHostException e) {
      return hexAddress;
    }
  }

  private static Set<String> socketInodes(long pid) {
    Set<String> inodes = new HashSet<>();
    Path fds = Path.of("/proc", Long.toString(pid), "fd");
    try (Stream<Path> list = Files.list(fds)) {
      for (Path fd : (Iterable<Path>) list::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException e) {
          // closed while listing
        }
      }
    } catch (IOException e) {
      return Set.of(); // no /proc, or the process is gone or not ours
    }
    return inodes;
  }

  /** The process group of {@code pid}, or empty when it is gone or a zombie. */
  private static Optional<Long> processGroup(long pid) {
    List<String> stat = lines(Path.of("/proc", Long.toString(pid), "stat"));
    if (stat.isEmpty()) {
      return Optional.empty();
    }
    // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
    String line = stat.get(0);
    String[] after = line.substring(line.lastIndexOf(')') + 2).split(" ");
    if (after.length < 3 || after[0].equals("Z")) {
      return Optional.empty(); // a zombie has exited; only its parent's wait is missing
    }
    return Optional.of(Long.parseLong(after[2]));
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of(); // no /proc, or the process is gone
    }
  }
}
