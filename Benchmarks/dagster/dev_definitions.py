"""The 10,000-asset random graph of the benchmarks, as the code location `dagster dev -f` loads
(the dev_start, dev_memory and graphql_asset_graph workloads of bench.py)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dagster as dg  # noqa: E402
from bench_graph import random_dag_assets  # noqa: E402

defs = dg.Definitions(assets=random_dag_assets(10_000))
