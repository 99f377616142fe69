package dev.graft.realcluster;

import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubeapitest.binary.BinaryManager;
import io.fabric8.kubeapitest.cert.CertManager;
import io.fabric8.kubeapitest.kubeconfig.KubeConfig;
import io.fabric8.kubeapitest.process.ProcessReadinessChecker;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A real Kubernetes control plane for the tests: etcd, kube-apiserver and kube-controller-manager
 * (garbage collector and Job controller) of the version that {@code hack/control-plane.sh} pins,
 * started once per JVM and shared by every test class of the tier.
 *
 * <p>kube-api-test (offline) finds the binaries and makes the certificates and the admin
 * kubeconfig, and the API server gets its flags. The processes are started here rather than by
 * kube-api-test's {@code KubeAPIServer}, because the tier restarts the API server alone on the same
 * port while etcd keeps its data; {@code KubeAPIServer} picks a new port per start and, when its
 * API server process ends, stops etcd and deletes its data.
 */
public final class RealControlPlane {
  private static final Logger LOG = Logger.getLogger(RealControlPlane.class);

  /** System property (or environment variable GRAFT_CONTROL_PLANE_DIR) naming the binaries. */
  public static final String DIR_PROPERTY = "control-plane.dir";

  /** The Kubernetes version hack/control-plane.sh pins. */
  static final String VERSION = "1.34.4";

  /** kube-api-test's startup timeout (etcd + API server); generous for a loaded 2-core machine. */
  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);

  /**
   * Where the running control plane is described: system properties, because each Quarkus test
   * application loads this class anew, and all of them share the one control plane of the JVM.
   */
  private static final String STATE = "realcluster.state.";

  private static RealControlPlane instance;

  private final Path binaries;
  private final Path work;
  private final BinaryManager binaryManager;
  private final CertManager certs;
  private final int etcdPort;
  private final int etcdPeerPort;
  private final int apiPort;
  private final Path adminKubeconfig;

  /** The control plane of this JVM, started on first use. */
  public static RealControlPlane get() {
    synchronized (System.getProperties()) {
      if (instance == null) {
        boolean running = System.getProperty(STATE + "work") != null;
        instance = new RealControlPlane(binaryDir(), running);
        if (!running) {
          instance.start();
          Runtime.getRuntime()
              .addShutdownHook(new Thread(instance::stopAll, "real-control-plane-stop"));
        }
      }
      return instance;
    }
  }

  /**
   * The directory of etcd, kube-apiserver, kube-controller-manager and kubectl. The tier never
   * skips itself: without the binaries it fails and says how to get them.
   */
  static Path binaryDir() {
    String dir = System.getProperty(DIR_PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("GRAFT_CONTROL_PLANE_DIR");
    }
    String how =
        "The real-control-plane tests need etcd, kube-apiserver, kube-controller-manager and"
            + " kubectl: run `hack/control-plane.sh` (downloads them, or builds them with Go from"
            + " the Go module proxy) and pass its last output line as -D"
            + DIR_PROPERTY
            + "=<dir> or GRAFT_CONTROL_PLANE_DIR=<dir>; .ci/run does both. See docs/testing.md.";
    if (dir == null || dir.isBlank()) {
      // Where hack/control-plane.sh caches them
      String cache = System.getenv("XDG_CACHE_HOME");
      Path cached =
          Path.of(cache == null ? System.getProperty("user.home") + "/.cache" : cache)
              .resolve("graft/control-plane/" + VERSION + "/k8s/" + VERSION + "-linux-amd64");
      if (Files.isExecutable(cached.resolve("kube-apiserver"))) {
        dir = cached.toString();
      }
    }
    if (dir == null || dir.isBlank()) {
      throw new IllegalStateException("No control-plane binaries. " + how);
    }
    Path path = Path.of(dir);
    for (String b : List.of("etcd", "kube-apiserver", "kube-controller-manager", "kubectl")) {
      if (!Files.isExecutable(path.resolve(b))) {
        throw new IllegalStateException(path.resolve(b) + " is missing. " + how);
      }
    }
    return path;
  }

  private RealControlPlane(Path binaries, boolean running) {
    this.binaries = binaries;
    if (!running) {
      System.setProperty(STATE + "etcd-port", String.valueOf(freePort()));
      System.setProperty(STATE + "etcd-peer-port", String.valueOf(freePort()));
      System.setProperty(STATE + "api-port", String.valueOf(freePort()));
    }
    etcdPort = Integer.getInteger(STATE + "etcd-port");
    etcdPeerPort = Integer.getInteger(STATE + "etcd-peer-port");
    apiPort = Integer.getInteger(STATE + "api-port");
    // The script's layout is kube-api-test's: <kubeAPITestDir>/k8s/<version>-<os>-<arch>/.
    String dirName = binaries.getFileName().toString();
    String version = dirName.substring(0, dirName.indexOf('-'));
    try {
      if (!running) {
        System.setProperty(
            STATE + "work", Files.createTempDirectory("graft-control-plane").toString());
      }
      work = Path.of(System.getProperty(STATE + "work"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    binaryManager =
        new BinaryManager(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(binaries.getParent().getParent().toString())
                .withApiServerVersion(version)
                .withOfflineMode(true)
                .withStartupTimeout((int) STARTUP_TIMEOUT.toMillis())
                .build());
    // Offline: only finds the binaries (under <kubeAPITestDir>/k8s/), never downloads.
    binaryManager.initAndDownloadIfRequired();
    certs = new CertManager(work.toString());
    adminKubeconfig = work.resolve("admin.kubeconfig");
  }

  private void start() {
    long t0 = System.nanoTime();
    certs.createCertificatesIfNeeded();
    write(adminKubeconfig, new KubeConfig(certs, binaryManager).generateKubeConfigYaml(apiPort));
    startEtcd();
    startApiServer();
    startControllerManager();
    LOG.infof(
        "real control plane up in %d s: API server https://127.0.0.1:%d (binaries %s)",
        (System.nanoTime() - t0) / 1_000_000_000, apiPort, binaries);
  }

  private void startEtcd() {
    Path data = work.resolve("etcd-data");
    launch(
        "etcd",
        List.of(
            binaries.resolve("etcd").toString(),
            "--data-dir",
            data.toString(),
            "--listen-client-urls",
            "http://127.0.0.1:" + etcdPort,
            "--advertise-client-urls",
            "http://127.0.0.1:" + etcdPort,
            "--initial-cluster",
            "default=http://127.0.0.1:" + etcdPeerPort,
            "--initial-advertise-peer-urls",
            "http://127.0.0.1:" + etcdPeerPort,
            "--listen-peer-urls",
            "http://127.0.0.1:" + etcdPeerPort,
            "--unsafe-no-fsync"));
    new ProcessReadinessChecker()
        .waitUntilReady(etcdPort, "health", "etcd", false, (int) STARTUP_TIMEOUT.toMillis());
  }

  /** kube-api-test's API server flags (KubeAPIServerProcess), on a port kept across restarts. */
  private void startApiServer() {
    launch(
        "kube-apiserver",
        List.of(
            binaries.resolve("kube-apiserver").toString(),
            "--cert-dir",
            work.toString(),
            "--secure-port",
            String.valueOf(apiPort),
            "--bind-address",
            "127.0.0.1",
            "--etcd-servers",
            "http://127.0.0.1:" + etcdPort,
            "--authorization-mode",
            "RBAC",
            "--service-account-issuer",
            "https://localhost",
            "--service-account-signing-key-file",
            certs.getAPIServerKeyPath(),
            "--service-account-key-file",
            certs.getAPIServerKeyPath(),
            "--disable-admission-plugins",
            "ServiceAccount",
            "--client-ca-file",
            certs.getClientCertPath(),
            "--tls-cert-file",
            certs.getAPIServerCertPath(),
            "--tls-private-key-file",
            certs.getAPIServerKeyPath(),
            "--service-cluster-ip-range",
            "10.0.0.0/24",
            "--allow-privileged"));
    var checker = new ProcessReadinessChecker();
    checker.waitUntilReady(apiPort, "readyz", "kube-apiserver", true, timeoutMillis());
    checker.waitUntilDefaultNamespaceAvailable(
        apiPort,
        binaryManager,
        certs,
        KubeAPIServerConfigBuilder.anAPIServerConfig().withTestDir(work.toString()).build(),
        timeoutMillis());
  }

  private void startControllerManager() {
    Process kcm =
        launch(
            "kube-controller-manager",
            List.of(
                binaries.resolve("kube-controller-manager").toString(),
                "--kubeconfig",
                adminKubeconfig.toString(),
                "--controllers",
                // clusterrole-aggregation: the chart's ClusterBaseImage viewer joins
                // view/edit/admin
                "garbage-collector-controller,job-controller,clusterrole-aggregation-controller",
                "--leader-elect=false",
                "--secure-port=0",
                "--concurrent-gc-syncs=5",
                "--concurrent-job-syncs=5",
                "--use-service-account-credentials=false"));
    // It has no health endpoint here (--secure-port=0): a wrong flag shows as an early exit.
    try {
      if (kcm.waitFor(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "kube-controller-manager exited with "
                + kcm.exitValue()
                + "; see target/control-plane/kube-controller-manager.log");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Stops the API server and starts it again on the same port; etcd keeps the data. Clients see
   * their connections and watches break, and must come back on their own.
   */
  public void restartApiServer() {
    synchronized (System.getProperties()) {
      stop("kube-apiserver");
      startApiServer();
    }
  }

  private static int timeoutMillis() {
    return (int) STARTUP_TIMEOUT.toMillis();
  }

  /** A client as cluster admin (kube-api-test's client certificate, group system:masters). */
  public KubernetesClient adminClient() {
    return new KubernetesClientBuilder().withConfig(adminConfig()).build();
  }

  public Config adminConfig() {
    try {
      return Config.fromKubeconfig(Files.readString(adminKubeconfig));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "https://127.0.0.1:" + apiPort;
  }

  public String caCertFile() {
    return certs.getAPIServerCertPath();
  }

  public String clientCertFile() {
    return certs.getClientCertPath();
  }

  public String clientKeyFile() {
    return certs.getClientKeyPath();
  }

  public Path kubectl() {
    return binaries.resolve("kubectl");
  }

  public Path adminKubeconfig() {
    return adminKubeconfig;
  }

  private void stopAll() {
    stop("kube-controller-manager");
    stop("kube-apiserver");
    stop("etcd");
  }

  /** Stops a process this JVM started (by the pid recorded at its start), and waits for it. */
  private static void stop(String name) {
    String pid = System.getProperty(STATE + "pid." + name);
    if (pid == null) {
      return;
    }
    ProcessHandle.of(Long.parseLong(pid))
        .ifPresent(
            p -> {
              p.destroy();
              try {
                p.onExit().get(10, TimeUnit.SECONDS);
              } catch (Exception e) {
                p.destroyForcibly();
                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(x -> null).join();
              }
            });
    System.clearProperty(STATE + "pid." + name);
  }

  /** Starts a process whose output goes to target/control-plane/<name>.log. */
  private Process launch(String name, List<String> command) {
    try {
      File logDir = new File("target/control-plane");
      logDir.mkdirs();
      File log = new File(logDir, name + ".log");
      ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log));
      LOG.debugf("starting %s (log %s)", name, log);
      Process p = pb.start();
      System.setProperty(STATE + "pid." + name, String.valueOf(p.pid()));
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
