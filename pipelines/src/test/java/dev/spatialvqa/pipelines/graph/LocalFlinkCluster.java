package dev.spatialvqa.pipelines.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The local Flink session cluster of {@code runners/flink/local-cluster.sh} for tests: a JobManager
 * and TaskManagers as separate JVMs on 127.0.0.1, their class path the test's minus the project's
 * own classes (those come with each job, as on a real cluster), plus its REST API.
 */
final class LocalFlinkCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;
  private final Path script;
  private final int restPort;
  private final int rpcPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private LocalFlinkCluster(Path dir, Path script, int restPort, int rpcPort) {
    this.dir = dir;
    this.script = script;
    this.restPort = restPort;
    this.rpcPort = rpcPort;
  }

  /** Starts a JobManager and one TaskManager in {@code dir}; returns when the TaskManager is up. */
  static LocalFlinkCluster start(Path dir) throws Exception {
    Path script = projectRoot().resolve("runners/flink/local-cluster.sh");
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException("not executable: " + script);
    }
    LocalFlinkCluster c = new LocalFlinkCluster(dir, script, freePort(), freePort());
    c.script("start");
    return c;
  }

  /** The multi-module project's root (the failsafe JVM runs in the module's folder). */
  static Path projectRoot() {
    return Path.of("").toAbsolutePath().getParent();
  }

  /**
   * What each job ships, as a job jar would: the project's own main classes and jars and Beam's
   * jars (the cluster, like a flink-dist installation, has no Beam: Beam's classes load from the
   * job's class loader, so they see the job's classes, e.g. when a source's lambdas deserialize).
   */
  static List<String> jobFiles() {
    List<String> out = new ArrayList<>();
    for (String e : classPath()) {
      if (isProjects(e) && !e.endsWith("test-classes") && !e.endsWith("-tests.jar")) {
        out.add(e);
      } else if (isBeam(e)) {
        out.add(e);
      }
    }
    return out;
  }

  private static boolean isProjects(String entry) {
    return Path.of(entry).toAbsolutePath().startsWith(projectRoot());
  }

  private static boolean isBeam(String entry) {
    return Path.of(entry).getFileName().toString().startsWith("beam-");
  }

  private static List<String> classPath() {
    return List.of(System.getProperty("java.class.path").split(File.pathSeparator));
  }

  String master() {
    return "127.0.0.1:" + restPort;
  }

  Path checkpoints() {
    return dir.resolve("checkpoints");
  }

  /** One more TaskManager; returns when it has registered. */
  void startTaskManager() throws Exception {
    script("taskmanager");
  }

  /** kill -9 of every running TaskManager process; returns how many were killed. */
  int killTaskManagers() throws Exception {
    int killed = 0;
    try (var pids = Files.list(dir)) {
      for (Path f :
          pids.filter(p -> p.getFileName().toString().matches("taskmanager-\\d+\\.pid")).toList()) {
        long pid = Long.parseLong(Files.readString(f).strip());
        var handle = ProcessHandle.of(pid);
        if (handle.isPresent() && handle.get().isAlive()) {
          handle
              .get()
              .destroyForcibly(); // SIGKILL: no shutdown hooks, no goodbye to the JobManager
          handle.get().onExit().get(30, TimeUnit.SECONDS);
          killed++;
        }
        Files.delete(f);
      }
    }
    return killed;
  }

  /** The job ids the cluster knows. */
  Set<String> jobIds() throws Exception {
    Set<String> ids = new HashSet<>();
    for (JsonNode j : get("/jobs").path("jobs")) {
      ids.add(j.path("id").asText());
    }
    return ids;
  }

  String state(String job) throws Exception {
    return get("/jobs/" + job).path("state").asText();
  }

  /** Every task of the job is running (not only the job: tasks deploy after slots arrive). */
  boolean allTasksRunning(String job) throws Exception {
    JsonNode j = get("/jobs/" + job);
    if (!j.path("state").asText().equals("RUNNING")) {
      return false;
    }
    for (JsonNode v : j.path("vertices")) {
      if (!v.path("status").asText().equals("RUNNING")) {
        return false;
      }
    }
    return j.path("vertices").size() > 0;
  }

  JsonNode checkpoints(String job) throws Exception {
    return get("/jobs/" + job + "/checkpoints");
  }

  JsonNode checkpointConfig(String job) throws Exception {
    return get("/jobs/" + job + "/checkpoints/config");
  }

  /**
   * Stop-with-savepoint; {@code drain} first advances event time to the end (every window fires).
   * Returns the savepoint's path once it is written.
   */
  String stopWithSavepoint(String job, boolean drain, Path target) throws Exception {
    String body =
        JSON.writeValueAsString(
            Map.of("drain", drain, "targetDirectory", target.toUri().toString()));
    JsonNode r = post("/jobs/" + job + "/stop", body);
    String trigger = r.path("request-id").asText();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      JsonNode s = get("/jobs/" + job + "/savepoints/" + trigger);
      if (s.path("status").path("id").asText().equals("COMPLETED")) {
        JsonNode op = s.path("operation");
        if (op.has("failure-cause")) {
          throw new IllegalStateException(
              "stop-with-savepoint failed: " + op.path("failure-cause"));
        }
        return op.path("location").asText();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("stop-with-savepoint of " + job + " did not complete");
  }

  String logs() {
    StringBuilder sb = new StringBuilder();
    try (var files = Files.list(dir.resolve("log"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".out")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        List<String> causes =
            lines.stream()
                .filter(l -> l.contains("Exception") || l.startsWith("Caused by"))
                .limit(30)
                .toList();
        sb.append("== ").append(f.getFileName()).append(" (first exceptions)\n");
        causes.forEach(l -> sb.append(l, 0, Math.min(l.length(), 1500)).append('\n'));
        sb.append("== ").append(f.getFileName()).append(" (last 40 lines)\n");
        lines
            .subList(Math.max(0, lines.size() - 40), lines.size())
            .forEach(l -> sb.append(l).append('\n'));
      }
    } catch (IOException e) {
      sb.append("(no logs: ").append(e).append(")");
    }
    return sb.toString();
  }

  @Override
  public void close() throws Exception {
    script("stop");
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + master() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private JsonNode post(String path, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + master() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("POST " + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private void script(String command) throws Exception {
    List<String> cluster = new ArrayList<>();
    for (String e : classPath()) {
      if (!isProjects(e) && !isBeam(e)) {
        cluster.add(e);
      }
    }
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), command);
    pb.environment().put("FLINK_CLUSTER_DIR", dir.toString());
    pb.environment().put("FLINK_REST_PORT", Integer.toString(restPort));
    pb.environment().put("FLINK_RPC_PORT", Integer.toString(rpcPort));
    pb.environment().put("FLINK_CLASSPATH", String.join(File.pathSeparator, cluster));
    pb.environment().put("FLINK_SLOTS", "2");
    pb.environment().put("FLINK_TM_MEMORY", "1600m");
    pb.environment().put("FLINK_JM_MEMORY", "900m");
    pb.environment()
        .put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // a killed TaskManager is noticed after two missed heartbeats (1 s apart), not after 50 s
    pb.environment()
        .put(
            "FLINK_CONF_EXTRA",
            String.join(
                "\n",
                "heartbeat.interval: 1000",
                "heartbeat.timeout: 5000",
                "heartbeat.rpc-failure-threshold: 2",
                "blob.server.port: " + freePort()));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "local-cluster.sh " + command + " failed:\n" + out + "\n" + logs());
    }
    System.out.print(out);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
