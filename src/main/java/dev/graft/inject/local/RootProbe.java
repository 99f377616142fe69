package dev.graft.inject.local;

import java.util.Map;

/**
 * What one filesystem, mounted read-only, says about itself: whether libguestfs inspection would
 * take it for a Linux root (its {@code check_filesystem}: {@code /etc} a directory, {@code /bin} a
 * directory or a link to {@code usr/bin}, {@code /etc/fstab} or {@code /etc/hosts} a file, and not
 * a grub {@code /boot}), whether it looks like the root of another system inspection knows (the
 * BSDs, Hurd, Minix), and its {@code /etc/fstab}. A handful of calls, where {@code inspect-os}
 * reads every filesystem of every disk through augeas.
 *
 * @param fstab the text of {@code /etc/fstab}, null when it is not a regular file
 */
record RootProbe(boolean linuxRoot, boolean otherOs, String fstab) {

  private static final String[] OTHER_OS = {
    "/etc/freebsd-update.conf", "/netbsd", "/bsd", "/hurd/console", "/service/vm"
  };
  private static final String[] GRUB = {"/grub/menu.lst", "/grub/grub.conf", "/grub2/grub.cfg"};

  /** The guestfish lines that probe {@code device}, answers named after {@code key}. */
  static String script(String device, String key) {
    StringBuilder s = new StringBuilder();
    // A filesystem that does not mount answers nothing: every question fails and reads as false.
    s.append("-mount-ro ").append(device).append(" /\n");
    Map<String, String> q = new java.util.LinkedHashMap<>();
    q.put(key + ".etc", "-is-dir /etc");
    q.put(key + ".bin", "-is-dir /bin");
    q.put(key + ".binlink", "-readlink /bin");
    q.put(key + ".fstab", "-is-file /etc/fstab");
    q.put(key + ".hosts", "-is-file /etc/hosts");
    for (int i = 0; i < GRUB.length; i++) {
      q.put(key + ".grub" + i, "-is-file " + GRUB[i]);
    }
    for (int i = 0; i < OTHER_OS.length; i++) {
      q.put(key + ".other" + i, "-is-file " + OTHER_OS[i]);
    }
    q.put(key + ".fstabtext", "-cat /etc/fstab");
    s.append(Guest.sections(q));
    s.append("echo\n-umount-all\n");
    return s.toString();
  }

  /** The probe of {@link #script} from its answers. */
  static RootProbe read(Map<String, String> answers, String key) {
    boolean grub = false;
    for (int i = 0; i < GRUB.length; i++) {
      grub |= yes(answers, key + ".grub" + i);
    }
    boolean other = false;
    for (int i = 0; i < OTHER_OS.length; i++) {
      other |= yes(answers, key + ".other" + i);
    }
    boolean fstab = yes(answers, key + ".fstab");
    boolean linux =
        !grub
            && yes(answers, key + ".etc")
            && (yes(answers, key + ".bin")
                || "usr/bin".equals(answers.getOrDefault(key + ".binlink", "").strip()))
            && (fstab || yes(answers, key + ".hosts"));
    String text = fstab ? answers.getOrDefault(key + ".fstabtext", "") : null;
    return new RootProbe(linux, !grub && other, text);
  }

  private static boolean yes(Map<String, String> answers, String key) {
    return "true".equals(answers.getOrDefault(key, "").strip());
  }
}
