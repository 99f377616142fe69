package dev.graft.inject.local;

import dev.graft.inject.DiskBuild;
import dev.graft.inject.DiskResult;
import dev.graft.inject.InjectionFailedException;
import dev.graft.inject.InjectionInputException;
import dev.graft.inject.InjectionResults;
import dev.graft.inject.InjectionSpec;
import dev.graft.inject.KvmMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The injection Job's executor: the same engine as {@code graft inject} ({@link LocalInjector}: one
 * appliance, the guest read first for owner names, SELinux and the failures real images bring, then
 * written), started by the Job's {@code run.sh} with a plain {@code java -cp}, no Quarkus.
 *
 * <pre>JobMain --disk DISK --spec SPEC.json --image NAME [--disk ... --spec ... --image ...]
 *         --result TERMINATION-LOG</pre>
 *
 * <p>One disk: on success it prints and writes to {@code --result} the {@code GRAFT-RESULT} line;
 * on failure it writes {@code graft: MESSAGE} there (the container's termination message, which the
 * operator puts on the GoldenImage) and exits 1. Several disks share one appliance launch ({@link
 * LocalInjector#injectAll}); the message holds a result per disk ({@link InjectionResults}) and the
 * exit status is 0 unless the arguments were bad.
 */
public final class JobMain {

  /** Prefix of the failure line, in the log and the termination message. */
  public static final String FAILED = InjectionResults.FAILED;

  /** kubelet keeps at most 4096 bytes of a termination message. */
  static final int MAX_MESSAGE_BYTES = InjectionResults.MAX_BYTES;

  private JobMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the injection of one disk or several; returns the exit status. */
  static int run(String[] args) {
    Path result = Arguments.result(args);
    try {
      Arguments a = Arguments.parse(args);
      LocalInjector injector =
          new LocalInjector(
              kvm(System.getenv()),
              line -> {
                System.out.println(FAILED + line);
                System.out.flush();
              });
      if (a.disks().size() == 1) {
        String line = injector.inject(build(a, 0, "--spec")).toResultLine();
        System.out.println(line);
        write(result, line);
        return 0;
      }
      // Several disks: a bad spec fails its disk only; each one's fate is in the message, so the
      // run itself succeeded.
      DiskResult[] results = new DiskResult[a.disks().size()];
      List<DiskBuild> builds = new ArrayList<>();
      List<Integer> built = new ArrayList<>();
      for (int i = 0; i < results.length; i++) {
        String fetchFailure = a.fetchFailure(i);
        if (fetchFailure != null) {
          results[i] = DiskResult.failed(fetchFailure);
          continue;
        }
        try {
          builds.add(build(a, i, "--spec[" + i + "]"));
          built.add(i);
        } catch (InjectionInputException e) {
          results[i] = DiskResult.failed(e.getMessage());
        }
      }
      List<DiskResult> done = injector.injectAll(builds);
      for (int k = 0; k < built.size(); k++) {
        results[built.get(k)] = done.get(k);
      }
      String message = InjectionResults.format(List.of(results));
      System.out.println(message);
      write(result, message);
      return 0;
    } catch (InjectionInputException | InjectionFailedException e) {
      return fail(result, e.getMessage());
    } catch (RuntimeException e) {
      return fail(result, "injection failed: " + e);
    }
  }

  /** The {@code i}-th disk's build, its spec read from its file. */
  private static DiskBuild build(Arguments a, int i, String field) {
    InjectionSpec spec;
    try {
      spec = InjectionSpec.read(Files.readString(Path.of(a.specs().get(i))));
    } catch (IOException e) {
      throw new InjectionInputException(field, "cannot read it: " + e.getMessage());
    }
    return new DiskBuild(
        Path.of(a.disks().get(i)),
        "raw",
        spec.files(),
        spec.remove(),
        spec.mtime(),
        a.images().get(i));
  }

  /**
   * {@code --disk}, {@code --spec} and {@code --image} once per disk, in the same order, and
   * optionally {@code --fetch-failure} once per disk; {@code --result} once.
   */
  record Arguments(
      List<String> disks, List<String> specs, List<String> images, List<String> fetchFailures) {

    /**
     * Why the {@code i}-th disk's downloads failed (the file its {@code --fetch-failure} names,
     * written by the Job's entry point), or null when they did not.
     */
    String fetchFailure(int i) {
      if (fetchFailures.isEmpty()) {
        return null;
      }
      try {
        Path file = Path.of(fetchFailures.get(i));
        String text = Files.isRegularFile(file) ? Files.readString(file).strip() : "";
        if (text.isEmpty()) {
          return null;
        }
        int at = text.lastIndexOf(FAILED);
        return at < 0 ? text : text.substring(at + FAILED.length()).strip();
      } catch (IOException e) {
        return "cannot read why its downloads failed: " + e.getMessage();
      }
    }

    /** Where the termination message goes: {@code --result}, else the container's default. */
    static Path result(String[] args) {
      List<String> results = values(args).getOrDefault("--result", List.of());
      return Path.of(results.isEmpty() ? "/dev/termination-log" : results.get(results.size() - 1));
    }

    static Arguments parse(String[] args) {
      Map<String, List<String>> values = values(args);
      List<List<String>> lists = new ArrayList<>();
      for (String required : new String[] {"--disk", "--spec", "--image"}) {
        List<String> list = values.getOrDefault(required, List.of());
        if (list.isEmpty()) {
          throw new InjectionInputException(required, "is required");
        }
        lists.add(list);
      }
      int disks = lists.get(0).size();
      if (lists.get(1).size() != disks || lists.get(2).size() != disks) {
        throw new InjectionInputException(
            "--disk",
            "given "
                + disks
                + " times, but --spec "
                + lists.get(1).size()
                + " and --image "
                + lists.get(2).size()
                + " times (one of each per disk)");
      }
      List<String> fetch = values.getOrDefault("--fetch-failure", List.of());
      if (!fetch.isEmpty() && fetch.size() != disks) {
        throw new InjectionInputException(
            "--fetch-failure", "given " + fetch.size() + " times for " + disks + " disks");
      }
      return new Arguments(lists.get(0), lists.get(1), lists.get(2), fetch);
    }

    private static Map<String, List<String>> values(String[] args) {
      Map<String, List<String>> values = new HashMap<>();
      for (int i = 0; i + 1 < args.length; i += 2) {
        values.computeIfAbsent(args[i], k -> new ArrayList<>()).add(args[i + 1]);
      }
      return values;
    }
  }

  /** The pod's environment decides: the Job sets force_tcg exactly when it asked for no KVM. */
  static KvmMode kvm(Map<String, String> env) {
    return env.getOrDefault("LIBGUESTFS_BACKEND_SETTINGS", "").contains("force_tcg")
        ? KvmMode.NEVER
        : KvmMode.ALWAYS;
  }

  private static int fail(Path result, String message) {
    String line = FAILED + message;
    System.err.println(line);
    write(result, truncate(line));
    return 1;
  }

  /** The message cut to what kubelet keeps, on a character boundary. */
  static String truncate(String line) {
    return InjectionResults.truncate(line, MAX_MESSAGE_BYTES);
  }

  private static void write(Path result, String line) {
    try {
      Files.writeString(result, line + "\n");
    } catch (IOException e) {
      System.err.println(FAILED + "cannot write the termination message " + result + ": " + e);
    }
  }
}
