"""Dagster's side of scripts/bench-vs-dagster: the workloads Cairn's `cairn-benchmarks vs-dagster`
measures, run on Dagster, written to OUT/dagster.json.

Run with the Python of the benchmark's venv (scripts/dagster_venv.py, BENCH_VENV):

    .venv-dagster-bench/bin/python Benchmarks/dagster/bench.py --out DIR [--only id1,id2]
        [--manifest PATH] [--quick]

--manifest is the dbt manifest of dbt_manifest_5000 (default: DIR/dbt/target/manifest.json, which Cairn's
side writes); --quick runs fewer rounds of the long workloads (about 11 minutes instead of 25 on
2 cores).

Every workload runs on a fresh DAGSTER_HOME (default SQLite storage) in a temporary directory.
A workload that fails records {"skipped": "<error>"} and the others still run; the JSON is
rewritten after every workload.
"""

import argparse
import base64
import json
import logging
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
import warnings
import zlib
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

warnings.filterwarnings("ignore")

import dagster as dg  # noqa: E402
from bench_graph import chain_assets, random_dag_assets, random_dag_shape, wide_assets  # noqa: E402
from dagster import DagsterInstance  # noqa: E402

BIN = os.path.dirname(sys.executable)
PIPES_SCRIPT = os.path.join(ROOT, "Benchmarks", "pipes", "step.py")

# Dagster's console logger (the `console` logger of every job) set to CRITICAL: nothing is printed,
# while the event log stores every event as before (its handler does not read the console logger's
# level).
QUIET_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
QUIET_NOTE = (
    "console logger at CRITICAL so nothing prints (the event log stores every event as by default)"
)
# Telemetry only appends usage events to a file under DAGSTER_HOME/logs; Cairn has none.
DAGSTER_YAML = "telemetry:\n  enabled: false\n"

# Rounds of each workload: what Cairn's side runs too; --quick runs fewer of the long ones (each
# note says how many were run).
ROUNDS = {
    "materialize_100": 3,
    "materialize_1000": 3,
    "definitions": 7,
    "selection": 21,
    "dev": 3,
    "graphql": 3,
    "backfill": 1,
    "pipes": 3,
    "dbt": 3,
}
QUICK_ROUNDS = {"materialize_1000": 1, "definitions": 3, "dev": 1, "graphql": 1, "pipes": 1}
QUICK = False
SELECTED = set()


def rounds_text(count, values=None):
    """'median of 3 rounds (a, b, c)', or 'one round' for one."""
    if count == 1:
        return "one round"
    text = f"median of {count} rounds"
    if values is not None:
        text += f" ({', '.join(fmt(v) for v in values)})"
    return text


ALL_IDS = [
    "materialize_chain_100",
    "materialize_chain_1000",
    "materialize_wide_100",
    "materialize_wide_1000",
    "definitions_10000",
    "selection_upstream",
    "selection_downstream",
    "dev_start",
    "dev_memory",
    "graphql_asset_graph",
    "backfill_1000_queued",
    "schedule_tick_to_run_start",
    "pipes_step_overhead",
    "dbt_manifest_5000",
]


def median(values):
    return statistics.median(values)


def ms(seconds):
    return round(seconds * 1000, 3)


def fmt(seconds):
    return f"{seconds * 1000:.1f} ms"


def log(message):
    print(f"[dagster bench {datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Home:
    """A fresh DAGSTER_HOME in a temporary directory, with a dagster.yaml that keeps the default
    SQLite storages; removed on exit."""

    def __init__(self, extra_yaml=""):
        self.path = tempfile.mkdtemp(prefix="dagster-bench-")
        with open(os.path.join(self.path, "dagster.yaml"), "w") as file:
            file.write(DAGSTER_YAML + extra_yaml)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)

    def env(self):
        env = dict(os.environ)
        env["DAGSTER_HOME"] = self.path
        env["PYTHONWARNINGS"] = "ignore"
        # The temporary files and sockets Dagster's processes make (dev's workspace.yaml, the code
        # servers' sockets) go under the home, removed with it.
        env["TMPDIR"] = os.path.join(self.path, "tmp")
        os.makedirs(env["TMPDIR"], exist_ok=True)
        return env


# -- in-process runs -------------------------------------------------------------------------------


def materialize_workload(kind, count):
    assets = (chain_assets if kind == "chain" else wide_assets)(count)
    count_rounds = ROUNDS[f"materialize_{count}"]
    totals, instance_times = [], []
    for _ in range(count_rounds):
        with Home() as home:
            start = time.perf_counter()
            instance = DagsterInstance.from_config(home.path)
            created = time.perf_counter()
            result = dg.materialize(
                assets,
                instance=instance,
                resources={"io_manager": dg.FilesystemIOManager(base_dir=os.path.join(home.path, "storage"))},
                run_config=QUIET_RUN_CONFIG,
            )
            end = time.perf_counter()
            if not result.success:
                raise RuntimeError("the run failed")
            last, expected = (f"chain_{count - 1}", count - 1) if kind == "chain" else (f"wide_{count - 1}", count)
            if result.output_for_node(last) != expected:
                raise RuntimeError(f"{last} returned {result.output_for_node(last)}, not {expected}")
            instance.dispose()
        totals.append(end - start)
        instance_times.append(created - start)
    total = median(totals)
    shape = (
        f"a chain of {count} assets (each takes the previous one as its input)"
        if kind == "chain"
        else f"a wide graph: wide_root and {count - 1} assets that each take it as their input"
    )
    note = (
        f"{fmt(total / count)}/asset; {shape}; `dagster.materialize` in process (Dagster's default "
        f"executor for it: in-process, one step at a time; Cairn runs its steps concurrently), "
        f"FilesystemIOManager (pickle files), fresh SQLite DagsterInstance per round: the time "
        f"includes creating it ({fmt(median(instance_times))}), as Cairn's includes opening its "
        f"SQLite storage (Dagster's SQLite storage opens, commits and closes a connection per "
        f"write); {QUIET_NOTE}; {rounds_text(count_rounds, totals)}"
    )
    return {f"materialize_{kind}_{count}": {"value": ms(total), "unit": "ms", "note": note}}


# -- definitions and selections --------------------------------------------------------------------


class Shared:
    """What one workload builds and a later one reuses (the 10,000-asset graph)."""

    random_graph = None


def build_random_definitions():
    """The timed body of definitions_10000: the assets, Definitions, the resolved asset graph and
    its topological order (toposort raises on a cycle)."""
    start = time.perf_counter()
    assets = random_dag_assets(10_000)
    built = time.perf_counter()
    defs = dg.Definitions(assets=assets)
    graph = defs.resolve_asset_graph()
    order = graph.toposorted_asset_keys
    end = time.perf_counter()
    assert len(order) == 10_000
    return defs, graph, end - start, built - start


def definitions_workload():
    totals, decorators = [], []
    defs = None
    for _ in range(ROUNDS["definitions"]):
        defs, graph, total, decorating = build_random_definitions()
        totals.append(total)
        decorators.append(decorating)
    Shared.random_graph = graph
    start = time.perf_counter()
    dg.Definitions.validate_loadable(defs)
    loadable = time.perf_counter() - start
    total = median(totals)
    note = (
        "build 10,000 @asset definitions (SplitMix64 seed 42 random DAG, non-argument deps, 20 "
        "groups), Definitions(assets=...), then defs.resolve_asset_graph() (every dependency "
        "resolved) and asset_graph.toposorted_asset_keys (toposort: raises on a cycle); the "
        f"@asset decorators alone take {fmt(median(decorators))} of it. Not included: "
        f"Definitions.validate_loadable, which also builds the implicit 10,000-op asset job "
        f"(+{fmt(loadable)}, measured once after); {rounds_text(ROUNDS['definitions'], totals)}"
    )
    return {"definitions_10000": {"value": ms(total), "unit": "ms", "note": note}}


def selection_workload():
    graph = Shared.random_graph
    if graph is None:
        _, graph, _, _ = build_random_definitions()
        Shared.random_graph = graph
    shape = random_dag_shape(10_000)
    has_children = set()
    for parents in shape:
        has_children.update(parents)
    sink = max(index for index in range(len(shape)) if index not in has_children)
    root = min(index for index, parents in enumerate(shape) if not parents)
    figures = {}
    for figure_id, key, direction in (
        ("selection_upstream", f"asset_{sink}", "upstream"),
        ("selection_downstream", f"asset_{root}", "downstream"),
    ):
        selection = getattr(dg.AssetSelection.assets(key), direction)()
        times = []
        selected = None
        start = time.perf_counter()
        selection.resolve(graph)  # the first resolution also builds the graph's lazy dependency maps
        first = time.perf_counter() - start
        for _ in range(ROUNDS["selection"]):
            start = time.perf_counter()
            selected = selection.resolve(graph)
            times.append(time.perf_counter() - start)
        figures[figure_id] = {
            "value": ms(median(times)),
            "unit": "ms",
            "note": (
                f"AssetSelection.assets('{key}').{direction}().resolve(asset_graph) on the resolved "
                f"10,000-asset graph ({'the last asset with no children' if direction == 'upstream' else 'the first asset with no parents'}): "
                f"{len(selected)} assets selected; median of {ROUNDS['selection']} after a first resolution "
                f"({fmt(first)}: it also builds the asset graph's lazily made dependency maps)"
            ),
        }
    return figures


# -- processes: dagster dev, dagster-daemon --------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_stat(pid):
    """(parent pid, process group, start time) of a live process, or None (gone or a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            fields = file.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[1]), int(fields[2]), int(fields[19])


def all_processes():
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            stat = process_stat(int(name))
            if stat:
                table[int(name)] = stat
    return table


def process_tree(pid):
    """pid and all its live descendants."""
    children = {}
    for child, (parent, _, _) in all_processes().items():
        children.setdefault(parent, []).append(child)
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(children.get(current, []))
    return tree


def rss_mb(pids):
    total_kb = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as file:
                for line in file:
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
        except OSError:
            pass
    return total_kb / 1024


class Service:
    """A Dagster command in its own process group, its output in a log file under the home; stopped
    with its whole process tree."""

    def __init__(self, home, args):
        self.home = home
        self.log_path = os.path.join(home.path, "service.log")
        self.log = open(self.log_path, "w")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            args,
            cwd=home.path,
            env=home.env(),
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log_tail(self, lines=15):
        try:
            with open(self.log_path) as file:
                return "".join(file.readlines()[-lines:])
        except OSError:
            return ""

    def check_alive(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.process.args[1]} exited ({self.process.returncode}): {self.log_tail()}")

    def stop(self):
        """Ctrl-C for the whole process group, then SIGKILL for whatever of it is left: the
        processes of its tree (by id and start time) and of its process group (orphans keep it)."""
        group = self.process.pid
        known = {pid: process_stat(pid) for pid in process_tree(group)}
        try:
            # What Ctrl-C in a terminal sends: `dagster dev` and the daemon shut down their children.
            os.killpg(group, signal.SIGINT)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.perf_counter() + 20
        while True:
            table = all_processes()
            left = [
                pid
                for pid, stat in table.items()
                if stat[1] == group or (pid in known and known[pid] and known[pid][2] == stat[2])
            ]
            if not left or time.perf_counter() > deadline:
                break
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.1)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.log.close()


def http_get_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return response.status
    except (urllib.error.URLError, ConnectionError, OSError):
        return None


def graphql(port, query, variables=None, timeout=600):
    """POSTs a query to the webserver's /graphql; returns (seconds until the whole answer was read,
    the decoded answer)."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read()
    seconds = time.perf_counter() - start
    answer = json.loads(raw)
    if answer.get("errors"):
        raise RuntimeError(f"GraphQL errors: {json.dumps(answer['errors'])[:500]}")
    return seconds, answer


ASSET_NODE_PROBE = "query Probe($keys: [AssetKeyInput!]!) { assetNodes(assetKeys: $keys) { id } }"


def wait_until_dev_ready(service, port, probe_key, deadline_seconds=600):
    """Waits for HTTP 200 at / and then for GraphQL to list `probe_key` among the asset nodes (the
    code location is loaded whole, so one key answers once every definition is there)."""
    deadline = time.perf_counter() + deadline_seconds
    while http_get_status(f"http://127.0.0.1:{port}/") != 200:
        service.check_alive()
        if time.perf_counter() > deadline:
            raise RuntimeError(f"no HTTP 200 at / within {deadline_seconds} s: {service.log_tail()}")
        time.sleep(0.1)
    while True:
        service.check_alive()
        try:
            _, answer = graphql(port, ASSET_NODE_PROBE, {"keys": [{"path": [probe_key]}]}, timeout=60)
            if answer["data"]["assetNodes"]:
                return time.perf_counter() - service.started
        except (urllib.error.URLError, ConnectionError, OSError, RuntimeError, KeyError):
            pass
        if time.perf_counter() > deadline:
            raise RuntimeError(f"GraphQL did not list {probe_key} within {deadline_seconds} s: {service.log_tail()}")
        time.sleep(0.1)


def dagster_dev(home, definitions, port):
    return Service(
        home,
        [
            os.path.join(BIN, "dagster"),
            "dev",
            "-f",
            os.path.join(HERE, definitions),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
    )


# The asset graph as Dagster's UI loads it (dagster-webserver's ui-core, WorkspaceQueries.tsx
# and AssetBaseDataProvider.tsx): the structure of every asset node of the code location, then the
# status of the nodes (the UI asks for the nodes in view, 10 keys a request; here all 10,000 keys
# in one request).
GRAPH_STRUCTURE_QUERY = """
query LocationWorkspaceAssetsQuery($name: String!) {
  workspaceLocationEntryOrError(name: $name) {
    ... on WorkspaceLocationEntry {
      id name loadStatus updatedTimestamp versionKey
      locationOrLoadError {
        ... on RepositoryLocation {
          id name
          repositories {
            id name
            assetNodes {
              id changedReasons groupName opNames isMaterializable isObservable isExecutable
              isPartitioned isAutoCreatedStub hasAssetChecks computeKind hasMaterializePermission
              hasWipePermission hasReportRunlessAssetEventPermission
              assetKey { path }
              internalFreshnessPolicy {
                ... on TimeWindowFreshnessPolicy { failWindowSeconds warnWindowSeconds }
                ... on CronFreshnessPolicy { deadlineCron lowerBoundDeltaSeconds timezone }
              }
              partitionDefinition { dimensionTypes { type dynamicPartitionsDefinitionName } }
              automationCondition { __typename }
              description(characterLimit: 240)
              owners { ... on UserAssetOwner { email } ... on TeamAssetOwner { team } }
              tags { key value }
              storageAddress { storageKind tableName }
              jobNames kinds graphName
              dependencyKeys { path }
            }
            assetGroups { id groupName }
          }
        }
        ... on PythonError { message stack }
      }
    }
    ... on PythonError { message stack }
  }
}
"""

GRAPH_STATUS_QUERY = """
query AssetGraphLiveQuery($assetKeys: [AssetKeyInput!]!) {
  assetNodes(assetKeys: $assetKeys, loadMaterializations: true) {
    id opNames
    repository { id }
    assetKey { path }
    assetMaterializations(limit: 1) { timestamp runId stepKey }
    assetObservations(limit: 1) { timestamp runId stepKey }
    assetChecksOrError {
      ... on AssetChecks {
        checks {
          name canExecuteIndividually
          executionForLatestMaterialization {
            id runId status timestamp stepKey evaluation { severity }
          }
          partitionDefinition { name description }
          partitionStatuses {
            ... on AssetCheckDefaultPartitionStatuses {
              succeededPartitions failedPartitions inProgressPartitions skippedPartitions
              executionFailedPartitions
            }
            ... on AssetCheckTimePartitionStatuses { ranges { startKey endKey status } }
            ... on AssetCheckMultiPartitionStatuses {
              primaryDimensionName
              ranges {
                primaryDimStartKey primaryDimEndKey
                secondaryDim {
                  ... on AssetCheckDefaultPartitionStatuses {
                    succeededPartitions failedPartitions inProgressPartitions skippedPartitions
                    executionFailedPartitions
                  }
                  ... on AssetCheckTimePartitionStatuses { ranges { startKey endKey status } }
                }
              }
            }
          }
        }
      }
    }
    partitionStats { numMaterialized numMaterializing numPartitions numFailed }
  }
  assetsLatestInfo(assetKeys: $assetKeys) {
    id
    assetKey { path }
    unstartedRunIds inProgressRunIds
    latestRun { id status startTime endTime }
  }
}
"""

LOCATIONS_QUERY = "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus } } } }"


def compact(query):
    return " ".join(query.split())


def time_asset_graph_queries(port, quick):
    """(structure seconds, status seconds) of each timed round, after a warm-up."""
    _, answer = graphql(port, LOCATIONS_QUERY)
    locations = [entry["name"] for entry in answer["data"]["workspaceOrError"]["locationEntries"]]
    keys = [{"path": [f"asset_{index}"]} for index in range(10_000)]

    def both(status_keys):
        structure, answer = graphql(port, GRAPH_STRUCTURE_QUERY, {"name": locations[0]})
        repositories = answer["data"]["workspaceLocationEntryOrError"]["locationOrLoadError"]["repositories"]
        status, answer = graphql(port, GRAPH_STATUS_QUERY, {"assetKeys": status_keys})
        if len(repositories[0]["assetNodes"]) != 10_000 or len(answer["data"]["assetNodes"]) != len(status_keys):
            raise RuntimeError("the asset graph queries did not return every asset")
        return structure, status

    # Warm-up: both queries whole, or with --quick the status of 10 keys only (the status of all
    # 10,000 takes the longest by far, and nothing of it is cached between requests).
    both(keys[:10] if quick else keys)
    return [both(keys) for _ in range(ROUNDS["graphql"])]


def dev_workload():
    measure_dev = bool({"dev_start", "dev_memory"} & SELECTED)
    measure_graph = "graphql_asset_graph" in SELECTED
    starts, memories, graph_rounds, process_counts = [], [], None, []
    for round_index in range(ROUNDS["dev"] if measure_dev else 1):
        with Home() as home:
            port = free_port()
            service = dagster_dev(home, "dev_definitions.py", port)
            try:
                starts.append(wait_until_dev_ready(service, port, "asset_9999"))
                time.sleep(3)
                tree = process_tree(service.process.pid)
                process_counts.append(len(tree))
                memories.append(rss_mb(tree))
                if round_index == 0 and measure_graph:
                    graph_rounds = time_asset_graph_queries(port, QUICK)
            finally:
                service.stop()
        log(f"dev round {round_index + 1}: ready {fmt(starts[-1])}, {memories[-1]:.0f} MB")
    figures = {
        "dev_start": {
            "value": ms(median(starts)),
            "unit": "ms",
            "note": (
                "`dagster dev -f dev_definitions.py` (the 10,000-asset random graph) from a fresh "
                "DAGSTER_HOME: from spawning it until GET / answers 200 and then GraphQL "
                "`assetNodes(assetKeys: [asset_9999])` returns the node (the code location loads "
                "whole, so its definitions are all there); its output to a log file, default log "
                f"levels; {rounds_text(len(starts), starts)}"
            ),
        },
        "dev_memory": {
            "value": round(median(memories), 1),
            "unit": "MB",
            "note": (
                "sum of VmRSS of `dagster dev` and all its descendants (webserver, daemon, code "
                f"server: {process_counts[0]} processes) 3 s after it was ready, before any "
                f"GraphQL query; {rounds_text(len(memories))} "
                f"({', '.join(f'{m:.0f}' for m in memories)} MB)"
            ),
        },
    }
    if graph_rounds:
        totals = [structure + status for structure, status in graph_rounds]
        warm_up = "a warm-up of the structure query and the status of 10 keys (--quick)" if QUICK else "one warm-up"
        figures["graphql_asset_graph"] = {
            "value": ms(median(totals)),
            "unit": "ms",
            "note": (
                "the two queries Dagster's UI draws its asset graph from (dagster-webserver's "
                "ui-core: WorkspaceQueries.tsx, AssetBaseDataProvider.tsx), one after the other, "
                "against the 10,000-asset `dagster dev`: LocationWorkspaceAssetsQuery (every asset "
                "node of the code location with key, group, dependencyKeys and the UI's other node "
                f"fields; {fmt(median(s for s, _ in graph_rounds))}) then AssetGraphLiveQuery (the "
                "nodes' status: assetNodes(assetKeys, loadMaterializations: true) with the latest "
                "materialization and observation, checks and partition stats, and "
                "assetsLatestInfo; the UI asks for the nodes in view, 10 keys a request, here all "
                f"10,000 keys in one request; {fmt(median(t for _, t in graph_rounds))}); client "
                f"time until the whole answer is read; {rounds_text(len(totals), totals)} after "
                f"{warm_up}. Queries: {compact(GRAPH_STRUCTURE_QUERY)} {compact(GRAPH_STATUS_QUERY)}"
            ),
        }
    return figures


# -- backfill --------------------------------------------------------------------------------------

BACKFILL_YAML = """run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 0
"""

LAUNCH_BACKFILL = """
mutation LaunchPartitionBackfill($backfillParams: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $backfillParams) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}
"""

DAEMON_STATUS = """
query Daemon($type: String!) {
  instance { daemonHealth { daemonStatus(daemonType: $type) { healthy lastHeartbeatTime } } }
}
"""

BACKFILL_STATUS = """
query Backfill($id: String!) {
  partitionBackfillOrError(backfillId: $id) { __typename ... on PartitionBackfill { status numPartitions } }
}
"""


def count_runs(home):
    """The number of runs in the run storage (read straight from its SQLite file)."""
    path = os.path.join(home.path, "history", "runs.db")
    if not os.path.exists(path):
        return 0
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        connection.close()


def wait_for_daemon(service, port, daemon_type, deadline_seconds=180):
    deadline = time.perf_counter() + deadline_seconds
    while time.perf_counter() < deadline:
        service.check_alive()
        _, answer = graphql(port, DAEMON_STATUS, {"type": daemon_type})
        if answer["data"]["instance"]["daemonHealth"]["daemonStatus"]["healthy"]:
            return
        time.sleep(0.25)
    raise RuntimeError(f"the {daemon_type} daemon was not healthy within {deadline_seconds} s")


def backfill_round():
    partitions = dg.DailyPartitionsDefinition(start_date="2020-01-01", end_date="2022-09-27").get_partition_keys()
    assert len(partitions) == 1000
    with Home(BACKFILL_YAML) as home:
        port = free_port()
        service = dagster_dev(home, "backfill_definitions.py", port)
        try:
            ready = wait_until_dev_ready(service, port, "daily", deadline_seconds=300)
            wait_for_daemon(service, port, "BACKFILL")
            log(f"  dev ready in {fmt(ready)}, backfill daemon healthy {fmt(time.perf_counter() - service.started - ready)} later")
            params = {"assetSelection": [{"path": ["daily"]}], "partitionNames": partitions, "fromFailure": False}
            start = time.perf_counter()
            _, answer = graphql(port, LAUNCH_BACKFILL, {"backfillParams": params})
            result = answer["data"]["launchPartitionBackfill"]
            if result["__typename"] != "LaunchBackfillSuccess":
                raise RuntimeError(f"launchPartitionBackfill: {result}")
            first = None
            deadline = start + 600
            while True:
                count = count_runs(home)
                now = time.perf_counter()
                if count and first is None:
                    first = now - start
                    log(f"  first run after {fmt(first)}")
                if count >= 1000:
                    elapsed = now - start
                    break
                service.check_alive()
                if now > deadline:
                    _, status = graphql(port, BACKFILL_STATUS, {"id": result["backfillId"]})
                    raise RuntimeError(f"{count} runs after 600 s; backfill: {status['data']}")
                time.sleep(0.1)
        finally:
            service.stop()
    return elapsed, first, elapsed - first


def backfill_workload():
    rounds = []
    for index in range(ROUNDS["backfill"]):
        rounds.append(backfill_round())
        log(f"backfill round {index + 1}: {fmt(rounds[-1][0])}")
    totals = [total for total, _, _ in rounds]
    return {
        "backfill_1000_queued": {
            "value": ms(median(totals)),
            "unit": "ms",
            "note": (
                "from the GraphQL launchPartitionBackfill mutation the UI sends when materializing "
                "all partitions of an asset (assetSelection: [daily], partitionNames: all 1,000 "
                "daily keys 2020-01-01..2022-09-26: an asset backfill of a one-asset job) until 1,000 "
                "runs are in the run storage, under `dagster dev` (its daemon healthy first) with "
                "QueuedRunCoordinator max_concurrent_runs: 0, so the runs stay queued. The backfill "
                "daemon runs an iteration every 30 s (DEFAULT_DAEMON_INTERVAL_SECONDS), so up to "
                "30 s of this is waiting for its next one: first run created "
                f"{', '.join(fmt(first) for _, first, _ in rounds)} after the request, then the "
                f"1,000 runs created within {', '.join(fmt(spread) for _, _, spread in rounds)}. "
                f"{rounds_text(len(totals), totals).capitalize()}, on a fresh DAGSTER_HOME"
            ),
        }
    }


# -- schedule --------------------------------------------------------------------------------------


def schedule_workload():
    # Start the daemon 15 s before a minute boundary.
    now = time.time()
    boundary = (int(now) // 60 + 1) * 60
    if boundary - now < 15:
        boundary += 60
    time.sleep(max(0, boundary - 15 - time.time()))
    with Home() as home:
        service = Service(
            home,
            [
                os.path.join(BIN, "dagster-daemon"),
                "run",
                "-f",
                os.path.join(HERE, "schedule_definitions.py"),
            ],
        )
        try:
            instance = DagsterInstance.from_config(home.path)
            deadline = boundary + 120
            record = None
            while time.time() < deadline:
                service.check_alive()
                records = [
                    r for r in instance.get_run_records() if r.start_time is not None
                ]
                if records:
                    record = records[0]
                    break
                time.sleep(0.1)
            if record is None:
                raise RuntimeError(f"no run started within 120 s of the tick: {service.log_tail()}")
            tick_tag = record.dagster_run.tags.get("dagster/scheduled_execution_time")
            tick = datetime.fromisoformat(tick_tag).timestamp() if tick_tag else float(boundary)
            instance.dispose()
        finally:
            service.stop()
    to_start = record.start_time - tick
    to_create = record.create_timestamp.timestamp() - tick
    return {
        "schedule_tick_to_run_start": {
            "value": ms(to_start),
            "unit": "ms",
            "note": (
                "from the tick time (minute boundary) of a `* * * * *` schedule (default status "
                "RUNNING) on a one-asset job until the run's start_time, under `dagster-daemon run` "
                "started 15 s before the boundary, defaults otherwise: the scheduler loop wakes at "
                "every minute boundary; the default run coordinator is QueuedRunCoordinator, whose "
                "queue daemon dequeues every 5 s (dequeue_interval_seconds), then DefaultRunLauncher "
                f"starts a run worker process. Run created {fmt(to_create)} after the tick; one round"
            ),
        }
    }


# -- Pipes -----------------------------------------------------------------------------------------


def pipes_step(index, python):
    key = f"pipes_step_{index}"

    @dg.asset(name=key, check_specs=[dg.AssetCheckSpec("positive", asset=key)])
    def step(context: dg.AssetExecutionContext, pipes_subprocess_client: dg.PipesSubprocessClient):
        return pipes_subprocess_client.run(context=context, command=[python, PIPES_SCRIPT]).get_results()

    return step


def encode_bootstrap(value):
    return base64.b64encode(zlib.compress(json.dumps(value).encode())).decode()


def pipes_workload():
    python = sys.executable
    steps = 100
    assets = [pipes_step(index, python) for index in range(steps)]
    bare_dir = tempfile.mkdtemp(prefix="dagster-bench-bare-")
    try:
        context_path = os.path.join(bare_dir, "context")
        messages_path = os.path.join(bare_dir, "messages")
        with open(context_path, "w") as file:
            json.dump(
                {
                    "asset_keys": ["pipes_step_0"],
                    "code_version_by_asset_key": {"pipes_step_0": None},
                    "provenance_by_asset_key": {"pipes_step_0": None},
                    "partition_key": None,
                    "partition_key_range": None,
                    "partition_time_window": None,
                    "run_id": "bare",
                    "job_name": "bare",
                    "retry_number": 0,
                    "extras": {},
                },
                file,
            )
        env = dict(os.environ)
        env["DAGSTER_PIPES_CONTEXT"] = encode_bootstrap({"path": context_path})
        env["DAGSTER_PIPES_MESSAGES"] = encode_bootstrap({"path": messages_path})
        differences, bares, orchestrated = [], [], []
        for _ in range(ROUNDS["pipes"]):
            start = time.perf_counter()
            for _ in range(steps):
                open(messages_path, "w").close()
                subprocess.run([python, PIPES_SCRIPT], env=env, check=True)
            bare = time.perf_counter() - start
            with Home() as home:
                instance = DagsterInstance.from_config(home.path)
                start = time.perf_counter()
                result = dg.materialize(
                    assets,
                    instance=instance,
                    resources={
                        "pipes_subprocess_client": dg.PipesSubprocessClient(),
                        "io_manager": dg.FilesystemIOManager(base_dir=os.path.join(home.path, "storage")),
                    },
                    run_config=QUIET_RUN_CONFIG,
                )
                total = time.perf_counter() - start
                if not result.success:
                    raise RuntimeError("the Pipes run failed")
                checks = result.get_asset_check_evaluations()
                if len(checks) != steps or not all(check.passed for check in checks):
                    raise RuntimeError(f"{len(checks)} checks reported, expected {steps} passed")
                instance.dispose()
            bares.append(bare)
            orchestrated.append(total)
            differences.append((total - bare) / steps)
    finally:
        shutil.rmtree(bare_dir, ignore_errors=True)
    return {
        "pipes_step_overhead": {
            "value": ms(median(differences)),
            "unit": "ms/step",
            "note": (
                "100 assets (each with check spec 'positive') that each run Benchmarks/pipes/step.py "
                "through PipesSubprocessClient and return its results, `dagster.materialize` "
                "in process (one step at a time), on a fresh SQLite instance (its creation not "
                f"timed); minus the script run 100 times bare (context and messages files made by "
                f"hand); per step; {rounds_text(len(differences))}, each (orchestrated − bare)/100. "
                f"Orchestrated {', '.join(fmt(t) for t in orchestrated)}, "
                f"bare {', '.join(fmt(t) for t in bares)}; same Python ({python}, "
                f"dagster-pipes {dg.__version__}); {QUIET_NOTE}"
            ),
        }
    }


# -- dbt -------------------------------------------------------------------------------------------


def dbt_workload(manifest_path):
    if not manifest_path or not os.path.exists(manifest_path):
        raise RuntimeError(f"no dbt manifest at {manifest_path}")
    from dagster_dbt import DbtCliResource, dbt_assets
    from dagster_dbt.dbt_manifest import read_manifest_path

    times, counts = [], None
    for _ in range(ROUNDS["dbt"]):
        read_manifest_path.cache_clear()  # dagster-dbt caches a parsed manifest by path
        start = time.perf_counter()

        @dbt_assets(manifest=manifest_path)
        def dbt_project(context: dg.AssetExecutionContext):
            # Never runs here (only the definitions are built); the usual body of a dbt asset.
            dbt = DbtCliResource(project_dir=os.path.dirname(os.path.abspath(manifest_path)))
            yield from dbt.cli(["build"], context=context).stream()

        defs = dg.Definitions(assets=[dbt_project])
        graph = defs.resolve_asset_graph()
        order = graph.toposorted_asset_keys
        times.append(time.perf_counter() - start)
        counts = (len(order), len(dbt_project.check_specs_by_output_name))
    size = os.path.getsize(manifest_path) / 1e6
    import dagster_dbt

    return {
        "dbt_manifest_5000": {
            "value": ms(median(times)),
            "unit": "ms",
            "note": (
                f"read and parse {os.path.basename(manifest_path)} ({size:.1f} MB; dagster-dbt's "
                "cache of parsed manifests cleared each round), `@dbt_assets(manifest=path)`, "
                "Definitions(assets=[...]), defs.resolve_asset_graph() and its toposort: "
                f"{counts[0]} assets and {counts[1]} asset checks (dbt tests, as dagster-dbt makes "
                f"them by default); dagster-dbt {dagster_dbt.__version__}; "
                f"{rounds_text(len(times), times)}"
            ),
        }
    }


# -- main ------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="directory for dagster.json (and dbt/target/manifest.json)")
    parser.add_argument("--only", help="comma-separated workload ids")
    parser.add_argument("--manifest", help="dbt manifest to load (default: OUT/dbt/target/manifest.json)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer rounds of the long workloads (materialize 1,000, dev, GraphQL, Pipes, definitions)",
    )
    args = parser.parse_args()
    global QUICK
    QUICK = args.quick
    if QUICK:
        ROUNDS.update(QUICK_ROUNDS)

    selected = ALL_IDS if not args.only else [item.strip() for item in args.only.split(",") if item.strip()]
    unknown = [item for item in selected if item not in ALL_IDS]
    if unknown:
        parser.error(f"unknown workload ids: {', '.join(unknown)} (known: {', '.join(ALL_IDS)})")
    SELECTED.update(selected)
    os.makedirs(args.out, exist_ok=True)
    manifest = args.manifest or os.path.join(args.out, "dbt", "target", "manifest.json")

    # Dagster's own Python loggers (warnings of definitions, the daemon's) print nothing here.
    logging.getLogger("dagster").setLevel(logging.CRITICAL)

    groups = [
        (["materialize_chain_100"], lambda: materialize_workload("chain", 100)),
        (["materialize_chain_1000"], lambda: materialize_workload("chain", 1000)),
        (["materialize_wide_100"], lambda: materialize_workload("wide", 100)),
        (["materialize_wide_1000"], lambda: materialize_workload("wide", 1000)),
        (["definitions_10000"], definitions_workload),
        (["selection_upstream", "selection_downstream"], selection_workload),
        (["dev_start", "dev_memory", "graphql_asset_graph"], dev_workload),
        (["backfill_1000_queued"], backfill_workload),
        (["schedule_tick_to_run_start"], schedule_workload),
        (["pipes_step_overhead"], pipes_workload),
        (["dbt_manifest_5000"], lambda: dbt_workload(manifest)),
    ]
    output = {"tool": "dagster", "version": dg.__version__, "figures": {}}
    out_path = os.path.join(args.out, "dagster.json")

    def write():
        with open(out_path + ".tmp", "w") as file:
            json.dump(output, file, indent=2)
        os.replace(out_path + ".tmp", out_path)

    for ids, workload in groups:
        wanted = [item for item in ids if item in selected]
        if not wanted:
            continue
        log(f"{', '.join(wanted)} ...")
        started = time.perf_counter()
        try:
            figures = workload()
        except Exception as error:  # noqa: BLE001 - a failing workload is recorded, the rest go on
            traceback.print_exc()
            reason = f"{type(error).__name__}: {error}".strip()
            figures = {item: {"skipped": reason[:2000]} for item in ids}
        for item in wanted:
            output["figures"][item] = figures.get(item, {"skipped": "not measured"})
            shown = output["figures"][item]
            if "value" in shown:
                log(f"  {item}: {shown['value']} {shown['unit']}")
            else:
                log(f"  {item}: skipped: {shown['skipped'][:300]}")
        log(f"  ({time.perf_counter() - started:.0f} s)")
        write()
    write()


if __name__ == "__main__":
    main()
