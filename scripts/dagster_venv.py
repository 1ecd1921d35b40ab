"""The pinned Dagster the reference-vector scripts read, in .venv-dagster/ of the checkout, and the
pinned Dagster that scripts/bench-vs-dagster measures."""

import os
import subprocess
import sys

DAGSTER_VERSION = "1.13.29"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv-dagster")

# The benchmark needs dagster, dagster-webserver, dagster-pipes and dagster-dbt of one release
# (each pins dagster==<its release>). The package index serves no dagster-webserver 1.13.29 (its
# newest is 1.13.28) and no dagster-dbt 0.29.29 (its newest is 0.29.27, pinning dagster==1.13.27),
# so the benchmark pins the newest release whose packages pip resolves together. It lives in a venv
# of its own while it differs from DAGSTER_VERSION, so that the vector scripts keep theirs; once the
# index has a matching release, setting BENCH_DAGSTER_VERSION = DAGSTER_VERSION (and the dagster-dbt
# of that release) moves the benchmark into .venv-dagster.
BENCH_DAGSTER_VERSION = "1.13.27"
BENCH_DAGSTER_DBT_VERSION = "0.29.27"
BENCH_VENV = VENV if BENCH_DAGSTER_VERSION == DAGSTER_VERSION else os.path.join(ROOT, ".venv-dagster-bench")


def ensure_venv() -> None:
    """Re-run the calling script inside .venv-dagster with Dagster installed."""
    python = os.path.join(VENV, "bin", "python")
    if os.path.abspath(sys.executable) == os.path.abspath(python):
        return
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    subprocess.check_call([python, "-m", "pip", "install", "-q", f"dagster=={DAGSTER_VERSION}"])
    os.execv(python, [python, *sys.argv])


def project_pin(name: str) -> str:
    """The `name==version` line of the project's requirements.txt (dbt-core, dbt-duckdb)."""
    with open(os.path.join(ROOT, "requirements.txt")) as file:
        for line in file:
            line = line.split("#", 1)[0].strip()
            if line.split("==", 1)[0].strip().lower() == name:
                return line
    raise SystemExit(f"requirements.txt pins no {name}")


def bench_requirements() -> list:
    """What the benchmark against Dagster installs: one Dagster release, its web server and dbt
    integration, and the dbt the project's examples use (dagster-dbt imports dbt-core to read a
    manifest)."""
    return [
        f"dagster=={BENCH_DAGSTER_VERSION}",
        f"dagster-webserver=={BENCH_DAGSTER_VERSION}",
        f"dagster-pipes=={BENCH_DAGSTER_VERSION}",
        f"dagster-dbt=={BENCH_DAGSTER_DBT_VERSION}",
        project_pin("dbt-core"),
        project_pin("dbt-duckdb"),
    ]


def ensure_bench_venv() -> str:
    """Creates or updates the benchmark's venv with bench_requirements(); returns its Python."""
    python = os.path.join(BENCH_VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", BENCH_VENV])
    subprocess.check_call(
        [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *bench_requirements()]
    )
    return python
