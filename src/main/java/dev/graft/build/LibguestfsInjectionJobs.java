package dev.graft.build;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.config.GraftConfig;
import dev.graft.inject.DownloadHosts;
import dev.graft.inject.FileToInject;
import dev.graft.inject.KvmMode;
import dev.graft.inject.Payload;
import dev.graft.inject.job.InjectionConfigMap;
import dev.graft.inject.job.InjectionJob;
import dev.graft.inject.job.InjectionJobGroup;
import dev.graft.inject.job.InjectionJobRequest;
import dev.graft.inject.job.InjectorSettings;
import dev.graft.inject.job.JobPlacement;
import dev.graft.inject.job.KvmNodes;
import dev.graft.k8s.Annotations;
import dev.graft.k8s.Labels;
import dev.graft.k8s.Owners;
import dev.graft.kubevirt.StorageDefaults;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The injection step built by the {@code inject} package ({@link InjectionJob}, {@link
 * InjectionConfigMap}): the build's payload ConfigMap/Secret keys (named by file digest) and URL
 * files become the Job's projected payloads.
 */
@ApplicationScoped
public class LibguestfsInjectionJobs implements InjectionJobs {
  private final InjectorSettings settings;
  private final Supplier<? extends Collection<Node>> nodes;
  private StorageDefaults storage = StorageDefaults.NONE;
  private JobPlacement placement = JobPlacement.NONE;
  private DownloadHosts downloadHosts = DownloadHosts.ANY;

  @Inject
  public LibguestfsInjectionJobs(GraftConfig config, ClusterNodes nodes) {
    this(InjectorSettings.from(config.injector()), nodes::list);
    this.storage =
        StorageDefaults.of(
            config.storage().className(),
            config.storage().volumeMode(),
            config.storage().accessModes());
    this.placement = JobPlacement.from(config.injector());
    downloadingFrom(
        DownloadHosts.parse(
            "graft.downloads.allowed-hosts", config.downloads().allowedHosts().orElse(null)));
  }

  /** URL files (and their redirects) of the Jobs built from now on go only to these hosts. */
  public LibguestfsInjectionJobs downloadingFrom(DownloadHosts hosts) {
    this.downloadHosts = hosts;
    return this;
  }

  /** Without a cluster: no node offers KVM. */
  public LibguestfsInjectionJobs(InjectorSettings settings) {
    this(settings, List::of);
  }

  /** {@code nodes} are read when a Job is built, so each Job sees the cluster as it is then. */
  public LibguestfsInjectionJobs(
      InjectorSettings settings, Supplier<? extends Collection<Node>> nodes) {
    this.settings = settings;
    this.nodes = nodes;
  }

  @Override
  public ConfigMap script(GoldenImage gi, Diff diff) {
    ConfigMap cm =
        InjectionConfigMap.build(request(gi, diff, 0, InjectionJobs.scriptName(gi)), downloadHosts);
    cm.getMetadata().setOwnerReferences(List.of(Owners.controller(gi)));
    return cm;
  }

  @Override
  public Job job(GoldenImage gi, Diff diff, int attempt, String scriptConfigMap) {
    Job job = InjectionJob.build(request(gi, diff, attempt, scriptConfigMap), settings, placement);
    job.getMetadata().setOwnerReferences(List.of(Owners.controller(gi)));
    return job;
  }

  @Override
  public ConfigMap groupScript(String jobName, List<Disk> disks) {
    InjectionJobGroup group = group(jobName, disks);
    ConfigMap cm = InjectionConfigMap.build(group, downloadHosts);
    cm.getMetadata().setOwnerReferences(owners(group, disks));
    return cm;
  }

  @Override
  public Job groupJob(String jobName, List<Disk> disks) {
    InjectionJobGroup group = group(jobName, disks);
    Job job = InjectionJob.build(group, settings, placement);
    job.getMetadata().setOwnerReferences(owners(group, disks));
    return job;
  }

  /**
   * The disks in image-name order (the order of their results); labelled with the first image (the
   * informers select build objects by that label) and annotated with every disk.
   */
  private InjectionJobGroup group(String jobName, List<Disk> disks) {
    List<Disk> sorted = sorted(disks);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.GOLDEN_IMAGE, sorted.get(0).image().getMetadata().getName());
    labels.put(Labels.MANAGED_BY, Labels.MANAGER);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(InjectionJobs.DISKS, String.join(",", sorted.stream().map(Disk::key).toList()));
    List<InjectionJobRequest> requests =
        sorted.stream()
            .map(
                d -> request(d.image(), d.diff(), d.attempt(), InjectionJobs.scriptName(d.image())))
            .toList();
    return new InjectionJobGroup(
        sorted.get(0).image().getMetadata().getNamespace(),
        jobName,
        jobName,
        labels,
        annotations,
        requests,
        kvmOffered());
  }

  static List<Disk> sorted(List<Disk> disks) {
    return disks.stream()
        .sorted(java.util.Comparator.comparing((Disk d) -> d.image().getMetadata().getName()))
        .toList();
  }

  /**
   * Every image owns the shared objects (the garbage collector deletes them once all are gone);
   * only the first is their controller, as an object has at most one.
   */
  private static List<io.fabric8.kubernetes.api.model.OwnerReference> owners(
      InjectionJobGroup group, List<Disk> disks) {
    List<io.fabric8.kubernetes.api.model.OwnerReference> refs = new ArrayList<>();
    for (Disk d : sorted(disks)) {
      var ref = Owners.controller(d.image());
      ref.setController(refs.isEmpty());
      refs.add(ref);
    }
    return refs;
  }

  private InjectionJobRequest request(
      GoldenImage gi, Diff diff, int attempt, String scriptConfigMap) {
    String name = gi.getMetadata().getName();
    String payload = InjectionJobs.payloadName(name);
    List<FileToInject> files = new ArrayList<>();
    for (ManifestEntry e : diff.add()) {
      Payload p =
          switch (e.payload) {
            case Secret -> new Payload.SecretKey(payload, e.digest);
            case Url -> new Payload.Url(e.url, e.sha256, e.size);
            default -> new Payload.ConfigMapKey(payload, e.digest);
          };
      files.add(new FileToInject(e.path, e.mode, e.owner, p));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.GOLDEN_IMAGE, name);
    labels.put(Labels.MANAGED_BY, Labels.MANAGER);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Annotations.MANIFEST_DIGEST, gi.getSpec().manifestDigest);
    if (attempt > 0) {
      annotations.put(Annotations.ATTEMPT, Integer.toString(attempt));
    }
    // The DataVolume's mode: the image's own, else the operator's storage.volumeMode.
    boolean block = storage.block(gi.getSpec().storage);
    return new InjectionJobRequest(
        gi.getMetadata().getNamespace(),
        attempt > 0 ? InjectionJobs.jobName(gi, attempt) : InjectionJobs.scriptName(gi),
        scriptConfigMap,
        name,
        block,
        labels,
        annotations,
        files,
        diff.remove().stream().map(e -> e.path).toList(),
        kvmOffered());
  }

  /** Only {@code auto} depends on the nodes; the other modes do not read them. */
  private boolean kvmOffered() {
    return settings.kvm() == KvmMode.AUTO && KvmNodes.offered(nodes.get());
  }
}
