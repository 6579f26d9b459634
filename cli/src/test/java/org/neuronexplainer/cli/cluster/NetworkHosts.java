package org.neuronexplainer.cli.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Network hosts of a test's own on one machine: a network namespace each, joined by veth pairs to
 * one bridge on a private /24 subnet of the process's own ({@link #SUBNET}, 10.213.x.0/24 with x
 * from the process id, so that two test JVMs on one machine do not share addresses). The bridge
 * holds .254, so the test's own process (in the machine's namespace) reaches every host; host
 * {@code i} is .{@code i}. Names carry the creating process's id ({@code nxc<pid>-...}), so that a
 * later run removes what a killed one left behind, and {@link #close()} (also run by a shutdown
 * hook) removes every namespace, interface and the bridge.
 *
 * <p>Needs root and iproute2: {@link #unavailable()} says why not, for the test to skip.
 */
public final class NetworkHosts implements AutoCloseable {

  /** The first three parts of this process's subnet's addresses, such as {@code 10.213.17}. */
  public static final String SUBNET = "10.213." + (1 + ProcessHandle.current().pid() % 250);

  /** The bridge's address: where a server of the test's own process is reached from the hosts. */
  public static final String BRIDGE = SUBNET + ".254";

  private static final Pattern OURS = Pattern.compile("nxc(\\d+)(?:-\\S*|br|v\\d+)?");

  private final String tag;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final Thread hook = new Thread(this::removeQuietly, "network-hosts-cleanup");
  private boolean bridgeMade;

  /** A network host: its namespace and address. */
  public record Host(String name, String namespace, String address, String veth) {}

  private NetworkHosts() {
    this.tag = "nxc" + ProcessHandle.current().pid();
  }

  /**
   * Why namespaces cannot be made here (not root, no {@code ip}, no permission), or empty when they
   * can; the check makes and removes one namespace.
   */
  public static Optional<String> unavailable() {
    String probe = "nxc" + ProcessHandle.current().pid() + "-probe";
    try {
      Result added = run(List.of("ip", "netns", "add", probe));
      if (added.code() != 0) {
        return Optional.of("cannot make a network namespace (`ip netns add`): " + added.output());
      }
      run(List.of("ip", "netns", "del", probe));
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("no `ip` command (iproute2): " + e.getMessage());
    }
  }

  /** Makes the bridge and one host per name, numbered from 1 in order. */
  public static NetworkHosts create(List<String> names) throws IOException {
    removeLeftovers();
    NetworkHosts network = new NetworkHosts();
    Runtime.getRuntime().addShutdownHook(network.hook);
    try {
      network.makeBridge();
      int i = 1;
      for (String name : names) {
        network.add(name, i++);
      }
      return network;
    } catch (IOException | RuntimeException e) {
      network.close();
      throw e;
    }
  }

  private void makeBridge() throws IOException {
    String bridge = tag + "br";
    check("ip", "link", "add", bridge, "type", "bridge");
    bridgeMade = true;
    check("ip", "addr", "add", BRIDGE + "/24", "dev", bridge);
    check("ip", "link", "set", bridge, "up");
  }

  private void add(String name, int number) throws IOException {
    String namespace = tag + "-" + number;
    String veth = tag + "v" + number;
    Host host = new Host(name, namespace, SUBNET + "." + number, veth);
    check("ip", "netns", "add", namespace);
    hosts.put(name, host);
    check("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", namespace);
    check("ip", "link", "set", veth, "master", tag + "br", "up");
    check("ip", "-n", namespace, "addr", "add", host.address() + "/24", "dev", "eth0");
    check("ip", "-n", namespace, "link", "set", "eth0", "up");
    check("ip", "-n", namespace, "link", "set", "lo", "up");
  }

  public Host host(String name) {
    Host host = hosts.get(name);
    if (host == null) {
      throw new IllegalArgumentException("no host " + name + " among " + hosts.keySet());
    }
    return host;
  }

  /** The command run inside the host's namespace: {@code ip netns exec NS command...}. */
  public List<String> inside(String name, List<String> command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", host(name).namespace()));
    full.addAll(command);
    return full;
  }

  /**
   * Cuts the host off the network: its link goes down, so it reaches no other host and none reaches
   * it; its processes keep running (and keep the shared store).
   */
  public void cut(String name) throws IOException {
    check("ip", "-n", host(name).namespace(), "link", "set", "eth0", "down");
  }

  /** Brings the host's link back up, with its address and route. */
  public void restore(String name) throws IOException {
    check("ip", "-n", host(name).namespace(), "link", "set", "eth0", "up");
  }

  /** Removes every namespace, interface and the bridge; the hosts' processes must be gone first. */
  @Override
  public void close() {
    removeQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook is running this
    }
  }

  private synchronized void removeQuietly() {
    for (Host host : hosts.values()) {
      quietly("ip", "link", "del", host.veth());
      quietly("ip", "netns", "del", host.namespace());
    }
    hosts.clear();
    if (bridgeMade) {
      quietly("ip", "link", "del", tag + "br");
      bridgeMade = false;
    }
  }

  /** The namespaces and links of this process's hosts that exist now: none once closed. */
  public static List<String> leftovers() throws IOException {
    String tag = "nxc" + ProcessHandle.current().pid();
    List<String> found = new ArrayList<>();
    for (List<String> command :
        List.of(List.of("ip", "netns", "list"), List.of("ip", "-o", "link", "show"))) {
      for (String name : names(command)) {
        Matcher m = OURS.matcher(name);
        if (m.matches() && name.startsWith(tag) && !name.endsWith("-probe")) {
          found.add(name);
        }
      }
    }
    return found;
  }

  /** Namespaces and links named for a process that no longer runs: a killed test's. */
  private static void removeLeftovers() throws IOException {
    for (String namespace : names(List.of("ip", "netns", "list"))) {
      if (stale(namespace)) {
        // A test killed with SIGKILL leaves its brokers and workers running in their namespaces.
        for (String pid : run(List.of("ip", "netns", "pids", namespace)).output().split("\\s+")) {
          if (pid.matches("\\d+")) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
        quietly("ip", "netns", "del", namespace);
      }
    }
    for (String link : names(List.of("ip", "-o", "link", "show"))) {
      if (stale(link)) {
        quietly("ip", "link", "del", link);
      }
    }
  }

  private static List<String> names(List<String> command) throws IOException {
    List<String> names = new ArrayList<>();
    for (String line : run(command).output().split("\n")) {
      // "nxc12-1 (id: 0)" from netns list; "7: nxc12v1@if2: <...>" from link show
      String word = line.replaceFirst("^\\d+:\\s*", "").split("[\\s@:]")[0];
      if (!word.isEmpty()) {
        names.add(word);
      }
    }
    return names;
  }

  private static boolean stale(String name) {
    Matcher m = OURS.matcher(name);
    if (!m.matches()) {
      return false;
    }
    long pid = Long.parseLong(m.group(1));
    // This process's own names are from a harness it closed (or failed to close) before.
    return pid == ProcessHandle.current().pid()
        || ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
  }

  private static void check(String... command) throws IOException {
    Result result = run(List.of(command));
    if (result.code() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + result.output());
    }
  }

  private static void quietly(String... command) {
    try {
      run(List.of(command));
    } catch (IOException e) {
      // best effort: removing what may already be gone
    }
  }

  private record Result(int code, String output) {}

  private static Result run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in 30 s");
      }
      return new Result(process.exitValue(), output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running " + command, e);
    }
  }
}
