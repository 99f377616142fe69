package dev.graft.inject.job;

/**
 * The entry point of a several-disk injection Job: each disk's URL payloads are fetched and checked
 * in a subshell of their own, so that a failed download fails that disk only (its message is left
 * in {@link InjectionJobGroup#fetchFailure}); then one engine run builds every disk in one
 * appliance launch and writes a result per disk as the termination message.
 */
final class GroupRunScript {

  private GroupRunScript() {}

  static String generate(InjectionJobGroup group, dev.graft.inject.DownloadHosts hosts) {
    return generate(group, JobLayout.POD, hosts);
  }

  /** As {@link #generate(InjectionJobGroup, DownloadHosts)}, for a pod laid out as {@code pod}. */
  static String generate(
      InjectionJobGroup group, JobLayout pod, dev.graft.inject.DownloadHosts hosts) {
    StringBuilder sh = new StringBuilder(RunScript.functions("\"$failed\"", hosts));
    StringBuilder args = new StringBuilder();
    for (int i = 0; i < group.disks().size(); i++) {
      InjectionJobRequest disk = group.disks().get(i);
      String failed = ShellQuote.quote(InjectionJobGroup.fetchFailure(pod, i));
      String downloads = RunScript.downloads(InjectionJobGroup.layout(pod, i), disk.files());
      if (!downloads.isEmpty()) {
        sh.append("failed=").append(failed).append('\n');
        sh.append("echo ").append(ShellQuote.quote("graft: disk " + i)).append('\n');
        sh.append("(\n").append(downloads).append(") || true\n");
      }
      args.append(" --disk ")
          .append(ShellQuote.quote(InjectionJobGroup.diskPath(i, disk.blockVolume())))
          .append(" --spec ")
          .append(ShellQuote.quote(pod.scriptDir() + "/" + InjectionJobGroup.specKey(i)))
          .append(" --image ")
          .append(ShellQuote.quote(disk.imageName()))
          .append(" --fetch-failure ")
          .append(failed);
    }
    sh.append("echo 'graft: injecting ")
        .append(group.disks().size())
        .append(" disks in one launch'\n")
        .append(RunScript.JAVA)
        .append(args)
        .append(" --result ")
        .append(ShellQuote.quote(pod.terminationLog()))
        .append('\n');
    return sh.toString();
  }
}
