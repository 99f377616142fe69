package dev.graft.inject.job;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The injector image's fixed appliance (its {@code LIBGUESTFS_PATH}), built here with the image's
 * own {@code deploy/injector/make-appliance.sh} once per script, libguestfs and kernel version and
 * supermin package lists (as the Dockerfile sets them, e.g. setfiles for SELinux relabels), and
 * kept in {@code /var/tmp} across runs (about 50 s to build under software emulation).
 */
final class FixedAppliance {

  static final Path SCRIPT = Path.of("deploy/injector/make-appliance.sh");

  private FixedAppliance() {}

  static Path get() throws IOException, InterruptedException {
    Path cache = Path.of("/var/tmp/graft-fixed-appliance");
    Files.createDirectories(cache);
    Path dest = cache.resolve(key());
    try (FileChannel channel =
            FileChannel.open(
                cache.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      if (Files.isRegularFile(dest.resolve("root"))) {
        return dest;
      }
      Path building = cache.resolve(dest.getFileName() + ".building");
      run(new ProcessBuilder("rm", "-rf", building.toString()));
      String output = run(new ProcessBuilder("sh", SCRIPT.toString(), building.toString()));
      if (!Files.isRegularFile(building.resolve("root"))) {
        throw new IOException("make-appliance.sh made no appliance: " + output);
      }
      Files.move(building, dest, StandardCopyOption.ATOMIC_MOVE);
      return dest;
    }
  }

  private static String key() throws IOException, InterruptedException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Files.readAllBytes(SCRIPT));
      sha.update(
          run(new ProcessBuilder("guestfish", "--version")).getBytes(StandardCharsets.UTF_8));
      sha.update(run(new ProcessBuilder("uname", "-r")).getBytes(StandardCharsets.UTF_8));
      try (var kernels = Files.list(Path.of("/boot"))) {
        sha.update(kernels.map(Path::toString).sorted().toList().toString().getBytes());
      }
      // What supermin puts into the appliance: an appliance built before packages-selinux-relabel
      // was added has no setfiles, and the Job would silently fall back to /.autorelabel.
      Path supermin = Path.of("/usr/lib/x86_64-linux-gnu/guestfs/supermin.d");
      if (Files.isDirectory(supermin)) {
        try (var parts = Files.list(supermin)) {
          for (Path part :
              parts
                  .filter(p -> p.getFileName().toString().startsWith("packages"))
                  .sorted()
                  .toList()) {
            sha.update(part.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(part));
          }
        }
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String run(ProcessBuilder builder) throws IOException, InterruptedException {
    Process process = builder.redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(900, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", builder.command()) + " failed: " + output);
    }
    return output;
  }
}
