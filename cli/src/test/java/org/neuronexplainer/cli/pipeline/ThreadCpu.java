package org.neuronexplainer.cli.pipeline;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time (user + system) of this JVM's threads, summed by kind of thread (the name without its
 * numbers and client ids): where a benchmark's CPU went. What the process used beyond its Java
 * threads is the JVM's own work: garbage collection, the JIT compilers, and the like.
 */
final class ThreadCpu {

  private final Map<Long, Long> byThread = new HashMap<>();
  private final Map<Long, Long> userByThread = new HashMap<>();
  private final Map<Long, String> names = new HashMap<>();
  private final long process;

  private ThreadCpu(long process) {
    this.process = process;
  }

  static ThreadCpu snapshot() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    ThreadCpu s = new ThreadCpu(CpuClock.selfNanos());
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = threads.getThreadCpuTime(info.getThreadId());
      long user = threads.getThreadUserTime(info.getThreadId());
      if (cpu >= 0 && user >= 0) {
        s.byThread.put(info.getThreadId(), cpu);
        s.userByThread.put(info.getThreadId(), user);
        s.names.put(info.getThreadId(), kind(info.getThreadName()));
      }
    }
    return s;
  }

  /**
   * Milliseconds of CPU per kind of thread since {@code before}, the largest first; each kind also
   * as "kind (kernel)", its system time, a part of the former.
   */
  Map<String, Double> since(ThreadCpu before) {
    Map<String, Long> nanos = new HashMap<>();
    long javaThreads = 0;
    for (Map.Entry<Long, Long> e : byThread.entrySet()) {
      long used = e.getValue() - before.byThread.getOrDefault(e.getKey(), 0L);
      long user = userByThread.get(e.getKey()) - before.userByThread.getOrDefault(e.getKey(), 0L);
      nanos.merge(names.get(e.getKey()), used, Long::sum);
      nanos.merge(names.get(e.getKey()) + " (kernel)", used - user, Long::sum);
      javaThreads += used;
    }
    // Threads that ended in between are lost to the sum; they are counted in the process's rest.
    nanos.put("(JVM: GC, JIT, ended threads)", process - before.process - javaThreads);
    Map<String, Double> out = new LinkedHashMap<>();
    nanos.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue() / 1e6));
    return out;
  }

  static String kind(String name) {
    return name.replaceAll("\\|.*", "").replaceAll("[-_ ]?\\d+", "").trim();
  }
}
