package dev.graft.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP and WebSocket proxy between an operator and the mock API server that produces the faults
 * of a real API server and network: error answers (409, 500), requests that never answer (the
 * client times out), dropped watches, and a dead link (what a killed operator leaves behind: from
 * {@link #cut()} on, nothing it sends arrives).
 */
public final class FaultProxy implements AutoCloseable {

  /** What an injected fault does to one request. */
  public enum Fault {
    /** 409 Conflict, as for a stale resourceVersion or a concurrent writer. */
    CONFLICT(409, "Conflict"),
    /** 500 Internal Server Error. */
    SERVER_ERROR(500, "InternalError"),
    /** No answer at all, and the request never arrives: the client's request timeout fires. */
    TIMEOUT(0, "Timeout"),
    /** The request is carried out, but its answer is lost: the client times out all the same. */
    LOST_ANSWER(0, "LostAnswer");

    final int code;
    final String reason;

    Fault(int code, String reason) {
      this.code = code;
      this.reason = reason;
    }
  }

  /** The request line as rules see it. */
  public record Request(String method, String path, String query) {
    public boolean isWrite() {
      return !method.equals("GET");
    }

    public boolean isWatch() {
      return query != null && query.contains("watch=true");
    }

    /** The resource's plural, e.g. {@code goldenimages} or {@code jobs}. */
    public boolean isFor(String plural) {
      return path.matches(".*/" + plural + "(/[^/]+(/status)?)?$");
    }

    public boolean isStatus() {
      return path.endsWith("/status");
    }
  }

  /** A fault for matching requests: drawn with a probability, or every {@code period}-th one. */
  private record Rule(
      Predicate<Request> matches, Fault fault, double probability, int period, AtomicInteger seen) {
    boolean fires(Random random) {
      return period > 0 ? seen.incrementAndGet() % period == 0 : random.nextDouble() < probability;
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final URI target;
  private final HttpClient upstream;
  private final Random random;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
  private final Set<WebSocket> watches = ConcurrentHashMap.newKeySet();
  private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
  private final List<Request> faulted = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger watchesOpened = new AtomicInteger();
  private final AtomicInteger watchesDropped = new AtomicInteger();
  private final HttpServer server;
  private volatile boolean cut;

  private FaultProxy(URI target, long seed) throws Exception {
    this.target = target;
    this.random = new Random(seed);
    for (Fault f : Fault.values()) {
      injected.put(f, new AtomicInteger());
    }
    boolean tls = "https".equals(target.getScheme());
    upstream =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setSsl(tls)
                .setTrustAll(tls)
                .setVerifyHost(false)
                .setDefaultHost(target.getHost())
                .setDefaultPort(target.getPort()));
    server =
        vertx
            .createHttpServer()
            .connectionHandler(
                c -> {
                  if (cut) {
                    c.close();
                  } else {
                    connections.add(c);
                    c.closeHandler(v -> connections.remove(c));
                  }
                })
            .requestHandler(this::handle)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  /** A proxy to the API server at {@code targetUrl}; faults are drawn from {@code seed}. */
  public static FaultProxy start(String targetUrl, long seed) {
    try {
      return new FaultProxy(URI.create(targetUrl), seed);
    } catch (Exception e) {
      throw new IllegalStateException("fault proxy did not start", e);
    }
  }

  /** The URL an operator's client uses instead of the API server's. */
  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Requests matching {@code where} get {@code fault} with this probability. */
  public FaultProxy inject(Predicate<Request> where, Fault fault, double probability) {
    rules.add(new Rule(where, fault, probability, 0, new AtomicInteger()));
    return this;
  }

  /** Every {@code period}-th request matching {@code where} gets {@code fault}: a sure count. */
  public FaultProxy injectEvery(Predicate<Request> where, Fault fault, int period) {
    rules.add(new Rule(where, fault, 0, period, new AtomicInteger()));
    return this;
  }

  /** Every request is forwarded untouched from now on. */
  public void heal() {
    rules.clear();
  }

  /** Closes every open watch, as a restarted API server or a load balancer does. */
  public void dropWatches() {
    for (WebSocket ws : List.copyOf(watches)) {
      watchesDropped.incrementAndGet();
      ws.close();
    }
  }

  /** The operator behind this proxy is dead: every open connection closes, no request arrives. */
  public void cut() {
    cut = true;
    dropWatches();
    connections.forEach(HttpConnection::close);
  }

  public int injected(Fault fault) {
    return injected.get(fault).get();
  }

  /** Every request that got a fault, in order. */
  public List<Request> faulted() {
    return List.copyOf(faulted);
  }

  public int requests() {
    return requests.get();
  }

  public int watchesOpened() {
    return watchesOpened.get();
  }

  public int watchesDropped() {
    return watchesDropped.get();
  }

  private void handle(HttpServerRequest req) {
    if (cut) {
      req.connection().close();
      return;
    }
    requests.incrementAndGet();
    Request request = new Request(req.method().name(), req.path(), req.query());
    Fault fault = draw(request);
    if (fault != null) {
      injected.get(fault).incrementAndGet();
      faulted.add(request);
    }
    if (fault == Fault.TIMEOUT) {
      return; // never answered; the connection closes with the proxy or the client
    }
    if (fault != null && fault.code > 0) {
      req.response()
          .setStatusCode(fault.code)
          .putHeader("Content-Type", "application/json")
          .end(
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                  + "\"message\":\"injected by FaultProxy\",\"reason\":\""
                  + fault.reason
                  + "\",\"code\":"
                  + fault.code
                  + "}");
      return;
    }
    if ("websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
      proxyWebSocket(req);
    } else {
      proxyHttp(req, fault == Fault.LOST_ANSWER);
    }
  }

  private synchronized Fault draw(Request request) {
    for (Rule rule : rules) {
      if (rule.matches.test(request) && rule.fires(random)) {
        return rule.fault;
      }
    }
    return null;
  }

  private void proxyHttp(HttpServerRequest req, boolean loseAnswer) {
    req.pause();
    RequestOptions options =
        new RequestOptions().setMethod(req.method()).setURI(req.uri()).setHeaders(forwarded(req));
    upstream
        .request(options)
        .compose(out -> out.send(req))
        .onSuccess(
            in -> {
              if (loseAnswer) {
                in.resume(); // read and dropped: the client never hears back
                return;
              }
              var response = req.response().setStatusCode(in.statusCode());
              in.headers()
                  .forEach(
                      (k, v) -> {
                        if (!hopByHop(k)) {
                          response.headers().add(k, v);
                        }
                      });
              if (in.getHeader("Content-Length") == null) {
                response.setChunked(true);
              }
              // By hand rather than pipeTo: a cut closes the response while the body still flows.
              response.closeHandler(v -> in.request().reset());
              in.handler(
                  chunk -> {
                    if (!response.closed()) {
                      response.write(chunk);
                    }
                  });
              in.endHandler(
                  v -> {
                    if (!response.closed()) {
                      response.end();
                    }
                  });
            })
        .onFailure(e -> req.connection().close());
  }

  private void proxyWebSocket(HttpServerRequest req) {
    req.pause();
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost(target.getHost())
            .setPort(target.getPort())
            .setSsl("https".equals(target.getScheme()))
            .setURI(req.uri());
    forwarded(req).forEach(options::addHeader);
    String protocols = req.getHeader("Sec-WebSocket-Protocol");
    if (protocols != null) {
      options.setSubProtocols(List.of(protocols.split("\\s*,\\s*")));
    }
    upstream
        .webSocket(options)
        .onSuccess(
            server ->
                req.toWebSocket()
                    .onSuccess(client -> splice(client, server))
                    .onFailure(e -> server.close()))
        .onFailure(
            e -> {
              int code = e instanceof UpgradeRejectedException u ? u.getStatus() : 502;
              req.resume();
              req.response().setStatusCode(code).end();
            });
  }

  private void splice(ServerWebSocket client, WebSocket server) {
    watchesOpened.incrementAndGet();
    watches.add(server);
    client.textMessageHandler(server::writeTextMessage);
    client.binaryMessageHandler(server::writeBinaryMessage);
    server.textMessageHandler(client::writeTextMessage);
    server.binaryMessageHandler(client::writeBinaryMessage);
    client.closeHandler(v -> server.close());
    server.closeHandler(
        v -> {
          watches.remove(server);
          client.close();
        });
    if (cut) {
      server.close();
    }
  }

  private static MultiMap forwarded(HttpServerRequest req) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    req.headers()
        .forEach(
            (k, v) -> {
              if (!hopByHop(k) && !k.equalsIgnoreCase("Host")) {
                headers.add(k, v);
              }
            });
    return headers;
  }

  private static boolean hopByHop(String header) {
    return switch (header.toLowerCase()) {
      case "connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer" -> true;
      default -> header.toLowerCase().startsWith("sec-websocket");
    };
  }

  @Override
  public void close() {
    cut();
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }
}
