package dev.visage.server.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The machine a benchmark ran on, printed with every table: figures mean little without it. */
public record MachineInfo(String cpu, int cores, long memoryBytes, String os, String java) {

  public static MachineInfo current() {
    String cpu = "unknown CPU";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).strip())
          .findFirst().orElse(cpu);
    } catch (IOException | RuntimeException e) {
      // Not Linux: the CPU model stays unknown.
    }
    long memory = -1;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = os.getTotalMemorySize();
    }
    return new MachineInfo(cpu, Runtime.getRuntime().availableProcessors(), memory,
        System.getProperty("os.name") + " " + System.getProperty("os.arch"), "Java " + Runtime.version());
  }

  public String describe(String provider) {
    return describe() + ", ONNX Runtime on " + provider;
  }

  /** The machine alone, for measurements that do not run the models. */
  public String describe() {
    return String.format(Locale.ROOT, "%s, %d cores, %.1f GiB memory, %s, %s, OpenCV %s",
        cpu, cores, memoryBytes / (1024.0 * 1024 * 1024), os, java, org.bytedeco.opencv.global.opencv_core.CV_VERSION());
  }
}
