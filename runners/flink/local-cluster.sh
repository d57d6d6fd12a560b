#!/usr/bin/env bash
# A local Flink 1.19 session cluster from the distribution's own jars (no flink-dist needed):
# a JobManager (StandaloneSessionClusterEntrypoint) and TaskManagers (TaskManagerRunner), each its
# own JVM bound to 127.0.0.1, with the RocksDB state backend and checkpoints in a local folder.
#
#   runners/flink/local-cluster.sh start        JobManager + one TaskManager; waits until ready
#   runners/flink/local-cluster.sh taskmanager  one more TaskManager (e.g. after one died)
#   runners/flink/local-cluster.sh status       the processes and the REST overview
#   runners/flink/local-cluster.sh stop         stops every process this cluster folder started
#
# Then: bin/spatialvqa run ... --runner=FlinkRunner --flinkMaster=127.0.0.1:8081 \
#         --streaming=true --checkpointingInterval=10000
#
# Settings (environment):
#   FLINK_CLUSTER_DIR   the cluster's folder: conf/, log/, pids, checkpoints/, savepoints/
#                       (default runners/target/flink-cluster)
#   FLINK_REST_PORT     REST port, the --flinkMaster port (default 8081)
#   FLINK_RPC_PORT      JobManager RPC port (default 6123)
#   FLINK_SLOTS         task slots per TaskManager (default 2)
#   FLINK_TM_MEMORY     TaskManager process size (default 2g)
#   FLINK_JM_MEMORY     JobManager process size (default 1g)
#   FLINK_CLASSPATH     the cluster's class path (default: runners/target/dist/lib/*.jar without
#                       the project's spatialvqa-*.jar and Beam's beam-*.jar: like a flink-dist
#                       installation, the cluster has Flink only; each job ships its code and Beam)
#   FLINK_CONF_EXTRA    extra flink-conf.yaml lines (e.g. faster heartbeats for tests)
#   JAVA                the java binary (default: java on PATH)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="${FLINK_CLUSTER_DIR:-$root/runners/target/flink-cluster}"
rest_port="${FLINK_REST_PORT:-8081}"
rpc_port="${FLINK_RPC_PORT:-6123}"
slots="${FLINK_SLOTS:-2}"
tm_memory="${FLINK_TM_MEMORY:-2g}"
jm_memory="${FLINK_JM_MEMORY:-1g}"
java="${JAVA:-java}"

die() {
  echo "local-cluster: $*" >&2
  exit 1
}

classpath() {
  if [[ -n "${FLINK_CLASSPATH:-}" ]]; then
    echo "$FLINK_CLASSPATH"
    return
  fi
  local lib="$root/runners/target/dist/lib"
  [[ -d "$lib" ]] || die "$lib is missing: build the distribution first (mvn -q package -DskipTests)"
  local cp="" j
  for j in "$lib"/*.jar; do
    case "$(basename "$j")" in spatialvqa-* | beam-*) continue ;; esac
    cp="${cp:+$cp:}$j"
  done
  echo "$cp"
}

write_conf() {
  mkdir -p "$dir/conf" "$dir/log" "$dir/checkpoints" "$dir/savepoints" "$dir/tmp"
  cat >"$dir/conf/flink-conf.yaml" <<EOF
# written by runners/flink/local-cluster.sh
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $rpc_port
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: $jm_memory
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $rest_port
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.numberOfTaskSlots: $slots
taskmanager.memory.process.size: $tm_memory
io.tmp.dirs: $dir/tmp
state.backend.type: rocksdb
state.backend.incremental: true
state.checkpoints.dir: file://$dir/checkpoints
state.savepoints.dir: file://$dir/savepoints
execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 1000
restart-strategy.fixed-delay.delay: 1 s
EOF
  # the project's worker settings (DJL must never call home on task managers either)
  grep -v '^#' "$here/flink-conf.yaml" >>"$dir/conf/flink-conf.yaml"
  if [[ -n "${FLINK_CONF_EXTRA:-}" ]]; then
    printf '%s\n' "$FLINK_CONF_EXTRA" >>"$dir/conf/flink-conf.yaml"
  fi
}

# JVM flags and dynamic properties Flink derives from the memory settings (as flink-dist's scripts)
resource_params() {
  local out
  out="$("$java" -cp "$(classpath)" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" \
    --configDir "$dir/conf" 2>&1)" || die "BashJavaUtils $1 failed: $out"
  grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

alive() {
  [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

launch() { # name main-class resource-command
  local name="$1" main="$2" params jvm dyn
  params="$(resource_params "$3")"
  jvm="$(sed -n 1p <<<"$params")"
  dyn="$(sed -n 2p <<<"$params")"
  export OPT_OUT_TRACKING=true DJL_OFFLINE=true
  export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$dir/djl-cache}"
  # shellcheck disable=SC2086
  nohup "$java" $jvm -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
    -Djdk.httpclient.allowRestrictedHeaders=host \
    -Dlog.file="$dir/log/$name.log" -cp "$(classpath)" "$main" \
    --configDir "$dir/conf" $dyn >"$dir/log/$name.out" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
  echo "$!"
}

rest() {
  command -v curl >/dev/null || die "curl is needed"
  curl -fsS "http://127.0.0.1:$rest_port$1"
}

await_taskmanagers() { # at least n registered
  local n="$1" i
  for ((i = 0; i < 240; i++)); do
    local got
    got="$(rest /taskmanagers 2>/dev/null | grep -o '"id"' | wc -l || true)"
    if ((got >= n)); then
      return 0
    fi
    sleep 0.5
  done
  die "no $n TaskManager(s) registered after 120 s (see $dir/log)"
}

start_taskmanager() {
  local i=1
  while alive "$dir/taskmanager-$i.pid"; do i=$((i + 1)); done
  local pid
  pid="$(launch "taskmanager-$i" org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS)"
  echo "TaskManager taskmanager-$i pid $pid (log $dir/log/taskmanager-$i.out)"
}

registered() {
  rest /taskmanagers 2>/dev/null | grep -o '"id"' | wc -l || true
}

case "${1:-}" in
start)
  alive "$dir/jobmanager.pid" && die "already running (pid $(cat "$dir/jobmanager.pid"), $dir)"
  write_conf
  pid="$(launch jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS)"
  echo "JobManager pid $pid, REST http://127.0.0.1:$rest_port (log $dir/log/jobmanager.out)"
  start_taskmanager
  await_taskmanagers 1
  echo "ready: --flinkMaster=127.0.0.1:$rest_port (checkpoints in $dir/checkpoints)"
  ;;
taskmanager)
  alive "$dir/jobmanager.pid" || die "no JobManager running in $dir (start first)"
  before="$(registered)"
  start_taskmanager
  await_taskmanagers $((before + 1))
  ;;
status)
  for f in "$dir"/*.pid; do
    [[ -f "$f" ]] || continue
    if alive "$f"; then s=running; else s=dead; fi
    echo "$(basename "$f" .pid) pid $(cat "$f") $s"
  done
  rest /overview && echo
  ;;
stop)
  for f in "$dir"/taskmanager-*.pid "$dir"/jobmanager.pid; do
    [[ -f "$f" ]] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for ((i = 0; i < 60 && $(kill -0 "$pid" 2>/dev/null && echo 1 || echo 0); i++)); do sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      echo "stopped $(basename "$f" .pid) (pid $pid)"
    fi
    rm -f "$f"
  done
  ;;
*)
  sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'
  [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] || exit 2
  ;;
esac
