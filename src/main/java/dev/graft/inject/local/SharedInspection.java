package dev.graft.inject.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds what to mount for every disk of a shared launch in three round trips, without {@code
 * inspect-os} (which costs about 5 s per disk under software emulation: it mounts every filesystem
 * and reads it through augeas): the disks and partitions; {@code blkid} of each (type, UUID, label,
 * partition UUID and name); then each candidate filesystem mounted read-only and probed ({@link
 * RootProbe}). {@link SharedLayout} turns the answers into each disk's mounts.
 */
final class SharedInspection {

  private SharedInspection() {}

  /** Each disk's plan, by its position in the launch. */
  static List<SharedLayout.Plan> inspect(GuestfishSession session, int disks) {
    Map<String, String> lists =
        Guest.parse(
            session.run(
                Guest.sections(
                    Map.of("devices", "list-devices", "partitions", "list-partitions"))));
    List<String> devices = Guest.lines(lists.get("devices"));
    List<String> partitions = Guest.lines(lists.get("partitions"));

    List<String> all = new ArrayList<>();
    for (String device : devices) {
      all.addAll(SharedLayout.own(device, partitions)); // not a partitioned disk itself
    }
    Map<String, String> queries = new LinkedHashMap<>();
    for (int i = 0; i < all.size(); i++) {
      // A device blkid finds nothing on fails: it holds no filesystem.
      queries.put("blkid" + i, "-blkid " + all.get(i));
    }
    Map<String, String> answers = Guest.parse(session.run(Guest.sections(queries)));
    Map<String, Map<String, String>> blkid = new LinkedHashMap<>();
    for (int i = 0; i < all.size(); i++) {
      blkid.put(all.get(i), keyValues(answers.get("blkid" + i)));
    }
    SharedLayout layout = new SharedLayout(devices, partitions, blkid);

    StringBuilder probes = new StringBuilder();
    List<String> probed = new ArrayList<>();
    for (int k = 0; k < disks; k++) {
      if (layout.whyAlone(k).isEmpty()) {
        for (String dev : layout.candidates(k)) {
          probes.append(RootProbe.script(dev, "p" + probed.size()));
          probed.add(dev);
        }
      }
    }
    Map<String, String> probeAnswers =
        probed.isEmpty() ? Map.of() : Guest.parse(session.run(probes.toString()));
    Map<String, RootProbe> byDevice = new LinkedHashMap<>();
    for (int p = 0; p < probed.size(); p++) {
      byDevice.put(probed.get(p), RootProbe.read(probeAnswers, "p" + p));
    }
    List<SharedLayout.Plan> plans = new ArrayList<>();
    for (int k = 0; k < disks; k++) {
      plans.add(layout.plan(k, byDevice));
    }
    return plans;
  }

  /** {@code KEY: value} lines, as guestfish prints a hash. */
  static Map<String, String> keyValues(String answer) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : Guest.lines(answer)) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        values.put(line.substring(0, colon), line.substring(colon + 2));
      }
    }
    return values;
  }
}
