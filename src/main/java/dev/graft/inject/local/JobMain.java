package dev.graft.inject.local;

import dev.graft.inject.InjectionFailedException;
import dev.graft.inject.InjectionInputException;
import dev.graft.inject.InjectionReport;
import dev.graft.inject.InjectionSpec;
import dev.graft.inject.KvmMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The injection Job's executor: the same engine as {@code graft inject} ({@link LocalInjector}: one
 * appliance, the guest read first for owner names, SELinux and the failures real images bring, then
 * written), started by the Job's {@code run.sh} with a plain {@code java -cp}, no Quarkus.
 *
 * <pre>JobMain --disk DISK --spec SPEC.json --image NAME --result TERMINATION-LOG</pre>
 *
 * <p>On success it prints and writes to {@code --result} the {@code GRAFT-RESULT} line; on failure
 * it writes {@code graft: MESSAGE} there (the container's termination message, which the operator
 * puts on the GoldenImage) and exits 1.
 */
public final class JobMain {

  /** Prefix of the failure line, in the log and the termination message. */
  public static final String FAILED = "graft: ";

  /** kubelet keeps at most 4096 bytes of a termination message. */
  static final int MAX_MESSAGE_BYTES = 4000;

  private JobMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one injection; returns the exit status. */
  static int run(String[] args) {
    Map<String, String> options = options(args);
    Path result = Path.of(options.getOrDefault("--result", "/dev/termination-log"));
    try {
      for (String required : new String[] {"--disk", "--spec", "--image"}) {
        if (!options.containsKey(required)) {
          throw new InjectionInputException(required, "is required");
        }
      }
      InjectionSpec spec;
      try {
        spec = InjectionSpec.read(Files.readString(Path.of(options.get("--spec"))));
      } catch (IOException e) {
        throw new InjectionInputException("--spec", "cannot read it: " + e.getMessage());
      }
      LocalInjector injector =
          new LocalInjector(
              kvm(System.getenv()),
              line -> {
                System.out.println(FAILED + line);
                System.out.flush();
              });
      InjectionReport report =
          injector.inject(
              Path.of(options.get("--disk")),
              "raw",
              spec.files(),
              spec.remove(),
              spec.mtime(),
              options.get("--image"));
      String line = report.toResultLine();
      System.out.println(line);
      write(result, line);
      return 0;
    } catch (InjectionInputException | InjectionFailedException e) {
      return fail(result, e.getMessage());
    } catch (RuntimeException e) {
      return fail(result, "injection failed: " + e);
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
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_MESSAGE_BYTES) {
      return line;
    }
    String cut = new String(bytes, 0, MAX_MESSAGE_BYTES - 4, StandardCharsets.UTF_8);
    return cut.substring(0, cut.length() - 1) + " ...";
  }

  private static void write(Path result, String line) {
    try {
      Files.writeString(result, line + "\n");
    } catch (IOException e) {
      System.err.println(FAILED + "cannot write the termination message " + result + ": " + e);
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    return options;
  }
}
