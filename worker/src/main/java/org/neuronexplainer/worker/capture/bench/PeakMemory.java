package org.neuronexplainer.worker.capture.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The process's peak memory so far.
 *
 * @param rssBytes the peak resident set (Linux's VmHWM); empty elsewhere
 * @param heapBytes the sum of the Java heap pools' peaks
 */
public record PeakMemory(OptionalLong rssBytes, long heapBytes) {

  /** This process's peaks. */
  public static PeakMemory ofThisProcess() {
    return new PeakMemory(peakRss(), peakHeap());
  }

  private static OptionalLong peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")) * 1024);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: no figure
    }
    return OptionalLong.empty();
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
