#!/usr/bin/env python3
"""Generate reference time-window partition vectors from Dagster for TimeWindowPartitionsTests.

Creates a virtual environment under .venv-dagster/ (if missing), installs a pinned Dagster, and
writes Tests/Fixtures/partition-vectors.json:

- definitions: hourly/daily/weekly/monthly and custom-cron TimeWindowPartitionsDefinitions in
  several time zones (ranges spanning daylight-saving changes), formats, end offsets and ends.
  For each: the number of partition keys at a fixed current time, some of the keys with their
  time windows (the first 60, the last 20, and those around each change of UTC offset; all of them
  when there are at most 200), and the number of keys at current times around the first window
  and the end, where end offsets make Dagster's rules subtle.
- mappings: TimeWindowPartitionMapping(start_offset, end_offset,
  allow_nonexistent_upstream_partitions=True) between pairs of those definitions: for downstream
  key ranges the upstream keys (get_upstream_mapped_partitions_result_for_partitions), and for
  upstream keys the downstream keys (get_downstream_partitions_for_partitions).

Dagster's hourly windows in a zone with half-hour offsets (Australia/Lord_Howe) depend on the
offset the zone has on the day this script runs (`has_nonzero_minute_offset`); Cairn's do not,
and TimeWindowPartitionsTests treats them as a known divergence either way.

Usage: python3 scripts/generate-partition-vectors.py
"""

import json
import os
import re
import warnings
from datetime import datetime, timedelta, timezone

from dagster_venv import ROOT, ensure_venv
OUTPUT = os.path.join(ROOT, "Tests", "Fixtures", "partition-vectors.json")
ALL_KEYS_UP_TO = 200
FIRST_KEYS = 60
LAST_KEYS = 20
AROUND_CHANGES = 3

# Where each zone changes its offset in 2024/25: (a change in autumn 2024, a change in spring 2025,
# both as naive local dates), so ranges can start just before one and end just after the other.
CHANGES = {
    "UTC": ("2024-10-27", "2025-03-30"),
    "Europe/Vienna": ("2024-10-27", "2025-03-30"),
    "America/New_York": ("2024-11-03", "2025-03-09"),
    "Australia/Lord_Howe": ("2024-10-06", "2025-04-06"),  # 30-minute shifts
    "America/Santiago": ("2024-09-08", "2025-04-06"),  # changes at midnight
}
ZONES = list(CHANGES)



def day_before(day: str, days: int = 1) -> str:
    return (datetime.strptime(day, "%Y-%m-%d") - timedelta(days=days)).strftime("%Y-%m-%d")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def definition_specs() -> list[dict]:
    """The definitions to describe: the kind, its arguments as Cairn names them, and a current time."""
    specs = []

    def add(kind: str, zone: str, now: str, **args) -> None:
        specs.append({"kind": kind, "timeZone": zone, "now": now, "args": args})

    for zone in ZONES:
        autumn, spring = CHANGES[zone]
        # Hourly across both changes: the first keys cover the autumn one, the last the spring one.
        spring_now = (utc(spring + "T00:00:00") + timedelta(hours=10)).isoformat()
        add("hourly", zone, spring_now, start=day_before(autumn) + "-00:00")
        add("hourly", zone, spring_now, start=day_before(autumn) + "-00:00", endOffset=2)
        add("hourly", zone, spring_now, start=day_before(autumn) + "-00:00", minuteOffset=30, endOffset=-1)
        add("hourly", zone, spring_now, start=day_before(autumn) + "T00:00+0000", format="%Y-%m-%dT%H:%M%z")
        add("cron", zone, spring_now, cron="*/15 * * * *", start=day_before(autumn) + " 12:00",
            format="%Y-%m-%d %H:%M")
        add("cron", zone, spring_now, cron="0 * * * 1-5", start=day_before(autumn, 3) + "-00:00",
            format="%Y-%m-%d-%H:%M")
        # Daily, weekly, monthly over the whole season.
        add("daily", zone, "2025-04-20T00:00:00", start="2024-09-01")
        add("daily", zone, "2025-04-20T00:00:00", start="2024-09-01", hourOffset=2, minuteOffset=30)
        add("daily", zone, "2025-04-20T00:00:00", start="2024-09-01", hourOffset=2, minuteOffset=15,
            format="%Y-%m-%d %H:%M")
        add("daily", zone, "2025-04-20T00:00:00", start="2024-09-01", hourOffset=1, format="%Y%m%d", endOffset=1)
        add("weekly", zone, "2025-06-01T00:00:00", start="2024-09-01")
        add("weekly", zone, "2025-06-01T00:00:00", start="2024-09-01", dayOffset=1, hourOffset=2, endOffset=-1)
        add("monthly", zone, "2025-06-01T00:00:00", start="2024-01-01")
        add("monthly", zone, "2025-06-01T00:00:00", start="2024-01-01", dayOffset=15, hourOffset=3,
            format="%Y-%m-%d-%H")
        add("cron", zone, "2025-04-20T00:00:00", cron="0 9 * * 1-5", start="2024-09-01", format="%Y-%m-%d")
        add("cron", zone, "2025-04-20T00:00:00", cron="30 2 * * *", start="20240901", format="%Y%m%d")
        add("cron", zone, "2025-04-20T00:00:00", cron="0 */4 * * *", start="2024-10-01T00:00",
            format="%Y-%m-%dT%H:%M")
        add("cron", zone, "2025-06-01T00:00:00", cron="15 3 1 * *", start="2024/01", format="%Y/%m")

    # End offsets and ends, in UTC and Vienna.
    for zone in ["UTC", "Europe/Vienna"]:
        for offset in [-1, 0, 1, 2]:
            add("daily", zone, "2024-03-10T12:00:00", start="2024-01-01", endOffset=offset)
            add("daily", zone, "2024-03-10T12:00:00", start="2024-01-01", end="2024-02-15", endOffset=offset)
            add("weekly", zone, "2024-03-10T12:00:00", start="2024-01-01", end="2024-02-15", endOffset=offset)
            add("hourly", zone, "2024-01-03T05:30:00", start="2024-01-01-00:00", end="2024-01-03-00:00",
                endOffset=offset)
        add("daily", zone, "2024-03-10T12:00:00", start="2024-01-01", end="2024-01-01")
        add("cron", zone, "2024-03-10T12:00:00", cron="0 9 * * *", start="2024-01-01", end="2024-01-02",
            format="%Y-%m-%d")
        add("daily", zone, "2024-03-10T12:00:00", start="2024-01-01T06:00:00", end="2024-02-01T12:00:00")

    # Other formats.
    for zone in ["UTC", "America/New_York"]:
        for fmt in ["%Y%m%d", "%d.%m.%Y", "%b %d %Y", "%A, %B %d, %Y", "%Y-%j", "%y-%m-%d", "%a %Y-%m-%d"]:
            add("daily", zone, "2024-12-01T00:00:00", start=datetime(2024, 10, 1).strftime(fmt), format=fmt)
        add("monthly", zone, "2024-12-01T00:00:00", start="2023/01", format="%Y/%m")
        add("weekly", zone, "2024-12-01T00:00:00", start="2024-W01-1", format="%Y-W%W-%w", dayOffset=1)
        add("hourly", zone, "2024-11-04T00:00:00", start="2024-11-01 12AM", format="%Y-%m-%d %I%p")
        add("hourly", zone, "2024-11-04T00:00:00", start="2024-11-01T00:00:00", format="%Y-%m-%dT%H:%M:%S")
    add("hourly", "UTC", "2024-11-04T00:00:00", start="2024-11-01 00:00 UTC", format="%Y-%m-%d %H:%M %Z")
    # Midnight skipped by a gap: Dagster writes the skipped wall-clock time.
    for cron in ["0 0 * * *", "30 0 * * *", "0 0 * * 0"]:
        add("cron", "America/Santiago", "2024-09-20T00:00:00", cron=cron, start="2024-09-01 00:00-0400",
            format="%Y-%m-%d %H:%M%z")
        add("cron", "America/Santiago", "2024-09-20T00:00:00", cron=cron, start="2024-09-01 00:00",
            format="%Y-%m-%d %H:%M")
    return specs


def build(spec: dict):
    """The Dagster definition a spec describes."""
    from dagster import (
        DailyPartitionsDefinition,
        HourlyPartitionsDefinition,
        MonthlyPartitionsDefinition,
        TimeWindowPartitionsDefinition,
        WeeklyPartitionsDefinition,
    )

    args = dict(spec["args"])
    common = {"timezone": spec["timeZone"], "end_offset": args.pop("endOffset", 0)}
    if "format" in args:
        common["fmt"] = args.pop("format")
    if "end" in args:
        common["end" if spec["kind"] == "cron" else "end_date"] = args.pop("end")
    offsets = {
        "minute_offset": args.pop("minuteOffset", 0),
        "hour_offset": args.pop("hourOffset", 0),
        "day_offset": args.pop("dayOffset", None),
    }
    start = as_datetime_unless_formatted(args.pop("start"), common.get("fmt"), kind=spec["kind"])
    if "end" in common or "end_date" in common:
        name = "end" if "end" in common else "end_date"
        common[name] = as_datetime_unless_formatted(common[name], common.get("fmt"), kind=spec["kind"])
    kind = spec["kind"]
    if kind == "cron":
        return TimeWindowPartitionsDefinition(cron_schedule=args.pop("cron"), start=start, **common)
    if kind == "hourly":
        return HourlyPartitionsDefinition(start_date=start, minute_offset=offsets["minute_offset"], **common)
    if offsets["day_offset"] is None:
        del offsets["day_offset"]
    if kind == "daily":
        offsets.pop("day_offset", None)
        return DailyPartitionsDefinition(start_date=start, **offsets, **common)
    if kind == "weekly":
        return WeeklyPartitionsDefinition(start_date=start, **offsets, **common)
    return MonthlyPartitionsDefinition(start_date=start, **offsets, **common)


def as_datetime_unless_formatted(text: str, fmt: str | None, kind: str):
    """`text` itself when it is written in the definition's format, else the naive datetime it
    writes in ISO 8601 (Dagster reads datetimes as wall-clock times in the definition's zone)."""
    default = "%Y-%m-%d-%H:%M" if kind == "hourly" else "%Y-%m-%d"
    for candidate in [fmt or default, (fmt or default) + "%z"]:
        try:
            datetime.strptime(text, candidate)
            return text
        except (ValueError, re.error):
            continue
    return datetime.fromisoformat(text)


def offset_changes(zone: str, start: float, end: float) -> list[float]:
    """The instants in [start, end] at which `zone` changes its UTC offset, to the minute."""
    from zoneinfo import ZoneInfo

    if zone == "UTC":
        return []
    tz = ZoneInfo(zone)
    found = []
    t = int(start) // 1800 * 1800
    while t < end:
        if datetime.fromtimestamp(t, tz).utcoffset() != datetime.fromtimestamp(t + 1800, tz).utcoffset():
            found.append(t + 1800)
        t += 1800
    return found


def describe(spec: dict) -> dict:
    """The keys, windows and counts Dagster gives for a spec."""
    from dagster._core.definitions.partitions.context import partition_loading_context

    definition = build(spec)
    now = utc(spec["now"]) if "+" not in spec["now"] else datetime.fromisoformat(spec["now"])
    keys = list(definition.get_partition_keys(current_time=now))
    indices = set(range(len(keys))) if len(keys) <= ALL_KEYS_UP_TO else set()
    with partition_loading_context(now):
        windows = [definition.time_window_for_partition_key(key) for key in keys]
    if len(keys) > ALL_KEYS_UP_TO:
        indices |= set(range(FIRST_KEYS)) | set(range(len(keys) - LAST_KEYS, len(keys)))
        for change in offset_changes(spec["timeZone"], windows[0].start.timestamp(), windows[-1].end.timestamp()):
            near = [i for i, w in enumerate(windows) if w.start.timestamp() <= change < w.end.timestamp()]
            for i in near:
                indices |= set(range(max(0, i - AROUND_CHANGES), min(len(keys), i + AROUND_CHANGES + 1)))
    partitions = [
        [i, keys[i], int(windows[i].start.timestamp()), int(windows[i].end.timestamp())] for i in sorted(indices)
    ]

    # Counts at current times around the first window and the end.
    first = next(iter(definition._iterate_time_windows(definition.start_timestamp)))
    second = next(iter(definition._iterate_time_windows(first.end.timestamp())))
    probes = [first.start.timestamp() + delta for delta in (-3 * 86400, -3601, -1, 0, 1)]
    probes += [first.end.timestamp() + delta for delta in (-1, 0, 1)] + [second.end.timestamp()]
    if definition.end_timestamp is not None:
        probes += [definition.end_timestamp + delta for delta in (-1, 0, 1, 3 * 86400)]
    counts = []
    for probe in sorted(set(probes)):
        current = datetime.fromtimestamp(probe, timezone.utc)
        counts.append([int(probe), len(definition.get_partition_keys(current_time=current))])
    return {
        "kind": spec["kind"],
        "timeZone": spec["timeZone"],
        "args": spec["args"],
        "cron": definition.cron_schedule,
        "format": definition.fmt,
        "startInstant": definition.start_timestamp,
        "endInstant": definition.end_timestamp,
        "now": int(now.timestamp()),
        "count": len(keys),
        "partitions": partitions,
        "counts": counts,
    }


def mapping_specs() -> list[dict]:
    """Pairs of (downstream, upstream) definitions with offsets, and the keys to map."""
    specs = []

    def add(zone, now, downstream, upstream, offsets, downstream_keys, upstream_keys) -> None:
        for start_offset, end_offset in offsets:
            specs.append(
                {
                    "timeZone": zone,
                    "now": now,
                    "downstream": downstream,
                    "upstream": upstream,
                    "startOffset": start_offset,
                    "endOffset": end_offset,
                    "downstreamKeys": downstream_keys,
                    "upstreamKeys": upstream_keys,
                }
            )

    for zone in ["UTC", "Europe/Vienna", "America/New_York"]:
        now = "2024-12-01T00:00:00"
        daily = {"kind": "daily", "args": {"start": "2024-01-01"}}
        daily_later = {"kind": "daily", "args": {"start": "2024-03-01"}}
        daily_six = {"kind": "daily", "args": {"start": "2024-01-01", "hourOffset": 6}}
        hourly = {"kind": "hourly", "args": {"start": "2024-01-01-00:00"}}
        weekly = {"kind": "weekly", "args": {"start": "2024-01-01"}}
        monthly = {"kind": "monthly", "args": {"start": "2024-01-01"}}
        weekdays = {"kind": "cron", "args": {"cron": "0 9 * * 1-5", "start": "2024-01-01", "format": "%Y-%m-%d"}}
        autumn = CHANGES[zone][0]
        day_keys = [["2024-01-01"], ["2024-01-02"], ["2024-03-01"], ["2024-03-31"], [autumn],
                    ["2024-03-09", "2024-03-10", "2024-03-11"], ["2024-11-28"], ["2024-11-30"]]
        add(zone, now, daily, daily, [(-1, -1), (-6, 0), (0, 0), (0, 1), (-1, 0)], day_keys, [["2024-03-10"]])
        add(zone, now, daily, daily_later, [(0, 0), (-1, -1), (-6, 0)], day_keys, [["2024-03-01"], ["2024-06-01"]])
        add(zone, now, daily_later, daily, [(0, 0), (-70, 0)], [["2024-03-01"], ["2024-05-01"]], [["2024-01-05"]])
        add(zone, now, daily, hourly, [(0, 0), (-1, 0), (0, 1)], day_keys,
            [["2024-03-10-12:00"], ["2024-03-31-01:00"], ["2024-01-01-00:00"]])
        add(zone, now, hourly, daily, [(0, 0), (-1, -1), (-24, 0), (0, -1)],
            [["2024-01-01-00:00"], ["2024-03-10-05:00"], ["2024-03-31-23:00"], ["2024-11-30-23:00"]],
            [["2024-03-10"], ["2024-11-30"]])
        add(zone, now, weekly, daily, [(0, 0), (-1, 0)],
            [["2024-01-07"], ["2024-03-10"], ["2024-11-24"]], [["2024-01-03"], ["2024-03-31"]])
        add(zone, now, monthly, daily, [(0, 0), (-1, -1)],
            [["2024-01-01"], ["2024-03-01"], ["2024-10-01"], ["2024-11-01"]], [["2024-03-15"]])
        add(zone, now, daily, weekly, [(0, 0), (-7, 0)],
            [["2024-01-01"], ["2024-01-07"], ["2024-03-10"], ["2024-11-30"]], [["2024-03-10"]])
        add(zone, now, daily, monthly, [(0, 0)], [["2024-01-31"], ["2024-03-31"], ["2024-11-30"]],
            [["2024-03-01"]])
        add(zone, now, daily_six, daily, [(0, 0), (-1, 0)], [["2024-01-01"], ["2024-03-31"], ["2024-11-29"]],
            [["2024-03-31"]])
        add(zone, now, weekdays, daily, [(0, 0), (-1, 0)], [["2024-01-01"], ["2024-03-11"], ["2024-11-29"]],
            [["2024-03-09"], ["2024-03-11"]])
        add(zone, now, daily, weekdays, [(0, 0)], [["2024-03-09"], ["2024-03-11"]], [["2024-03-11"]])
    return specs


def map_keys(spec: dict) -> dict:
    from dagster import TimeWindowPartitionMapping
    from dagster._core.definitions.partitions.context import partition_loading_context

    zone = spec["timeZone"]
    downstream = build({"timeZone": zone, **spec["downstream"]})
    upstream = build({"timeZone": zone, **spec["upstream"]})
    now = utc(spec["now"])
    mapping = TimeWindowPartitionMapping(
        start_offset=spec["startOffset"], end_offset=spec["endOffset"], allow_nonexistent_upstream_partitions=True
    )
    cases = []
    reverse = []
    with partition_loading_context(now):
        for keys in spec["downstreamKeys"]:
            subset = downstream.subset_with_partition_keys(keys)
            result = mapping.get_upstream_mapped_partitions_result_for_partitions(
                subset, downstream, upstream, current_time=now
            )
            cases.append({"from": keys, "to": list(result.partitions_subset.get_partition_keys())})
        for keys in spec["upstreamKeys"]:
            subset = upstream.subset_with_partition_keys(keys)
            result = mapping.get_downstream_partitions_for_partitions(subset, upstream, downstream, current_time=now)
            reverse.append({"from": keys, "to": list(result.get_partition_keys())})
    return {
        "timeZone": zone,
        "now": int(now.timestamp()),
        "downstream": spec["downstream"],
        "upstream": spec["upstream"],
        "startOffset": spec["startOffset"],
        "endOffset": spec["endOffset"],
        "upstreamOf": cases,
        "downstreamOf": reverse,
    }


def main() -> None:
    ensure_venv()
    import dagster

    warnings.filterwarnings("ignore", category=dagster.BetaWarning)

    definitions = []
    failures = []
    for spec in definition_specs():
        try:
            definitions.append(describe(spec))
        except Exception as error:  # Dagster rejects a few definitions; keep the reason.
            failures.append(f"{spec}: {error!r}")
    mappings = []
    for spec in mapping_specs():
        try:
            mappings.append(map_keys(spec))
        except Exception as error:
            failures.append(f"{spec}: {error!r}")
    document = {
        "generator": "scripts/generate-partition-vectors.py",
        "dagsterVersion": dagster.__version__,
        "dagsterFailures": failures,
        "definitions": definitions,
        "mappings": mappings,
    }
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w") as f:
        json.dump(document, f, indent=0, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(definitions)} definitions and {len(mappings)} mappings to {OUTPUT}")
    print(f"Dagster failed on {len(failures)}")
    for failure in failures:
        print(f"  {failure}")


if __name__ == "__main__":
    main()
