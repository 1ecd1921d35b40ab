#!/usr/bin/env python3
"""Generate reference vectors from Dagster for where Cairn follows Dagster's exact semantics.

Creates a virtual environment under .venv-dagster/ (if missing), installs a pinned Dagster, and
writes Tests/Fixtures/semantics-vectors.json:

- tagSelections: assets with tags (an empty value, other values, none) and, for selection strings
  with `tag:`, the keys Dagster's AssetSelection.from_string selects. `tag:key` matches only the
  assets whose tag `key` has the empty value.
- timeZoneMappings: a time-window partitioned asset depending on another, in the same or in
  different time zones, with an explicit TimeWindowPartitionMapping or the default mapping; for
  each, whether Dagster refuses to map the partitions and its message.
- nonexistentUpstream: a time-window mapping from downstream partitions to upstream windows
  before the upstream's first partition or after its last: the keys Dagster reports as
  required-but-nonexistent (allow_nonexistent_upstream_partitions=False) and those that exist.
- cronExtensions: cron strings with Dagster's extensions (`L` in day-of-month, `weekday#n`, `?`)
  and look-alikes it refuses (`5L`, `W`, `L-2`): whether Dagster accepts each, and its first
  ticks from 2024-01-01 in UTC and Europe/Vienna.

Usage: python3 scripts/generate-semantics-vectors.py
"""

import json
import os

from dagster_venv import ROOT, ensure_venv
OUTPUT = os.path.join(ROOT, "Tests", "Fixtures", "semantics-vectors.json")

TAGGED_ASSETS = {
    "empty_team": {"team": ""},
    "finance": {"team": "finance"},
    "data_team": {"team": "data", "tier": ""},
    "tier_only": {"tier": "gold"},
    "untagged": {},
}
TAG_SELECTIONS = [
    "tag:team",
    "tag:team=",
    "tag:team=finance",
    "tag:tier",
    "tag:tier=gold",
    "tag:nope",
    "not tag:team",
    "tag:team or tag:tier",
    "tag:team=data and tag:tier",
]
CRON_EXTENSIONS = [
    "0 0 L * *",
    "30 6 L 2 *",
    "0 0 15,L * *",
    "0 12 L * 1-5",
    "0 0 * * 5#2",
    "0 9 * * fri#1",
    "0 0 * * 1#5",
    "0 0 * * 0#1,3",
    "0 0 ? * *",
    "0 0 1 * ?",
    "0 0 * * 5L",
    "0 0 1W * *",
    "0 0 LW * *",
    "0 0 L-2 * *",
    "0 0 * * 5#6",
]
ZONE_PAIRS = [
    ("UTC", "UTC"),
    ("UTC", "America/New_York"),
    ("Europe/Vienna", "Europe/Berlin"),
    ("America/New_York", "America/New_York"),
    ("Asia/Kolkata", "UTC"),
]



def tag_selections() -> dict:
    import dagster as dg

    def materializable(key: str, tags: dict):
        @dg.asset(name=key, tags=tags)
        def compute() -> None:
            return None

        return compute

    assets = [materializable(key, tags) for key, tags in TAGGED_ASSETS.items()]
    graph = dg.Definitions(assets=assets).resolve_asset_graph()
    selections = []
    for text in TAG_SELECTIONS:
        selected = dg.AssetSelection.from_string(text).resolve(graph)
        selections.append({"selection": text, "keys": sorted(k.to_user_string() for k in selected)})
    return {"assets": TAGGED_ASSETS, "selections": selections}


def time_zone_mappings() -> list:
    import dagster as dg

    cases = []
    for upstream_zone, downstream_zone in ZONE_PAIRS:
        for kind in ["daily", "hourly"]:
            make = dg.DailyPartitionsDefinition if kind == "daily" else dg.HourlyPartitionsDefinition
            start = "2024-01-01" if kind == "daily" else "2024-01-01-00:00"
            upstream = make(start_date=start, timezone=upstream_zone)
            downstream = make(start_date=start, timezone=downstream_zone)
            key = "2024-01-05" if kind == "daily" else "2024-01-05-10:00"
            for explicit in [True, False]:
                mapping = dg.TimeWindowPartitionMapping() if explicit else None
                try:
                    if explicit:
                        mapping.get_upstream_mapped_partitions_result_for_partitions(
                            downstream.subset_with_partition_keys([key]), downstream, upstream)
                    else:
                        # The default mapping between two time-window definitions.
                        from dagster._core.definitions.partitions.utils.mapping import (
                            infer_partition_mapping,
                        )

                        infer_partition_mapping(None, downstream, upstream).get_upstream_mapped_partitions_result_for_partitions(
                            downstream.subset_with_partition_keys([key]), downstream, upstream)
                    error = None
                except dg.DagsterInvalidDefinitionError as exception:
                    error = str(exception)
                cases.append(
                    {
                        "kind": kind,
                        "upstreamTimeZone": upstream_zone,
                        "downstreamTimeZone": downstream_zone,
                        "explicitMapping": explicit,
                        "error": error,
                    }
                )
    return cases


def cron_extensions() -> list:
    from datetime import datetime, timezone

    from dagster._utils.schedules import cron_string_iterator, is_valid_cron_string

    cases = []
    start = datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp()
    for cron in CRON_EXTENSIONS:
        valid = bool(is_valid_cron_string(cron))
        for zone in ["UTC", "Europe/Vienna"]:
            ticks = []
            if valid:
                iterator = cron_string_iterator(start, cron, zone)
                ticks = [next(iterator).isoformat() for _ in range(14)]
            cases.append({"cron": cron, "timeZone": zone, "valid": valid, "ticks": ticks})
    return cases


def nonexistent_upstream() -> list:
    from datetime import datetime, timezone

    import dagster as dg

    now = datetime(2024, 12, 1, tzinfo=timezone.utc)
    cases = [
        # (upstream start, upstream end, downstream start, downstream end, start offset, end offset, keys)
        ("2024-03-01", None, "2024-01-01", None, 0, 0, ["2024-01-05"]),
        ("2024-03-01", None, "2024-01-01", None, 0, 0, ["2024-02-28", "2024-02-29", "2024-03-01", "2024-03-02"]),
        ("2024-01-01", None, "2024-01-01", None, -1, 0, ["2024-01-01"]),
        ("2024-01-01", None, "2024-01-01", None, -3, 0, ["2024-01-02"]),
        ("2024-01-01", "2024-06-01", "2024-01-01", None, 0, 0, ["2024-06-05"]),
        ("2024-01-01", "2024-06-01", "2024-01-01", None, 0, 2, ["2024-05-30"]),
        ("2024-01-01", None, "2024-01-01", None, 0, 0, ["2024-07-01"]),
    ]
    results = []
    for upstream_start, upstream_end, downstream_start, downstream_end, start_offset, end_offset, keys in cases:
        upstream = dg.DailyPartitionsDefinition(start_date=upstream_start, end_date=upstream_end)
        downstream = dg.DailyPartitionsDefinition(start_date=downstream_start, end_date=downstream_end)
        mapping = dg.TimeWindowPartitionMapping(
            start_offset=start_offset, end_offset=end_offset, allow_nonexistent_upstream_partitions=False)
        with dg.instance_for_test() as instance:
            from dagster._core.definitions.partitions.context import partition_loading_context

            with partition_loading_context(effective_dt=now, dynamic_partitions_store=instance):
                result = mapping.get_upstream_mapped_partitions_result_for_partitions(
                    downstream.subset_with_partition_keys(keys), downstream, upstream)
        results.append(
            {
                "upstreamStart": upstream_start,
                "upstreamEnd": upstream_end,
                "downstreamStart": downstream_start,
                "startOffset": start_offset,
                "endOffset": end_offset,
                "downstreamKeys": keys,
                "upstreamKeys": sorted(result.partitions_subset.get_partition_keys()),
                "nonexistentKeys": sorted(result.required_but_nonexistent_subset.get_partition_keys()),
            }
        )
    return results


def main() -> None:
    ensure_venv()
    import dagster

    vectors = {
        "dagsterVersion": dagster.__version__,
        "tagSelections": tag_selections(),
        "timeZoneMappings": time_zone_mappings(),
        "cronExtensions": cron_extensions(),
        "nonexistentUpstream": nonexistent_upstream(),
    }
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w") as file:
        json.dump(vectors, file, indent=1, sort_keys=True)
        file.write("\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
