#!/usr/bin/env python3
"""Generate reference cron tick vectors from Dagster for CronScheduleTests.

Creates a virtual environment under .venv-dagster/, installs a pinned Dagster, and
writes Tests/Fixtures/cron-ticks.json (outside the test target, so SwiftPM
sees no unhandled resource): for each cron string x time zone x
start instant, the first N ticks (>= start) from Dagster's cron_string_iterator,
as ISO 8601 strings with UTC offsets.

Usage: python3 scripts/generate-cron-vectors.py
"""

import json
import os
from datetime import datetime, timedelta, timezone

from dagster_venv import ROOT, ensure_venv
OUTPUT = os.path.join(ROOT, "Tests", "Fixtures", "cron-ticks.json")
TICKS_PER_CASE = 20

CRONS = [
    "0 * * * *",
    "*/15 * * * *",
    "30 2 * * *",
    "0 0 * * *",
    "0 6 * * 1-5",
    "0 3 1 * *",
    "0 0 * * 0",
    "15 1,13 * * *",
    "@daily",
    "@hourly",
    "0 0 29 2 *",
    "30 1 * * *",
    "30 2 * * 0",
    "*/30 1-3 * * *",
    "0 2 * * *",
    "*/20 0-3 * * *",
    "45 23 * * *",
    "0 0 1 1 *",
]

ZONES = [
    "UTC",
    "Europe/Vienna",
    "America/New_York",
    "Australia/Lord_Howe",  # shifts by 30 minutes, at 02:00 local time
    "Australia/Sydney",
    "America/Santiago",  # changes at midnight
]


def transitions(zone: str) -> list[datetime]:
    """The UTC instants in 2024 and 2025 at which `zone` changes its offset (two Vienna ones for UTC)."""
    from zoneinfo import ZoneInfo

    if zone == "UTC":
        return transitions("Europe/Vienna")[:2]
    tz = ZoneInfo(zone)
    found = []
    t = datetime(2024, 1, 1, tzinfo=timezone.utc)
    while t.year < 2026:
        after = t + timedelta(minutes=30)
        if t.astimezone(tz).utcoffset() != after.astimezone(tz).utcoffset():
            found.append(after)
        t = after
    return found



def starts_for(t: datetime) -> list[datetime]:
    """Start instants around one transition: on it, hours before it, and off-boundary days before."""
    return [t, t - timedelta(hours=5), t - timedelta(hours=36, minutes=-17, seconds=-13)]


def main() -> None:
    ensure_venv()
    import dagster
    from dagster._utils.schedules import cron_string_iterator

    cases = []
    failures = []
    for zone in ZONES:
        instants = transitions(zone)
        for cron in CRONS:
            for instant in instants:
                for start in starts_for(instant):
                    iterator = cron_string_iterator(start.timestamp(), cron, zone)
                    try:
                        ticks = [next(iterator).isoformat() for _ in range(TICKS_PER_CASE)]
                    except Exception as error:  # Dagster's own invariant checks fail on a few cases.
                        failures.append(f"{cron} in {zone} from {start.isoformat()}: {error!r}")
                        continue
                    cases.append(
                        {
                            "cron": cron,
                            "timeZone": zone,
                            "start": start.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
                            "ticks": ticks,
                        }
                    )
    document = {
        "generator": "scripts/generate-cron-vectors.py",
        "dagsterVersion": dagster.__version__,
        "function": "dagster._utils.schedules.cron_string_iterator (ticks >= start)",
        "dagsterFailures": failures,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w") as f:
        json.dump(document, f, indent=0, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {OUTPUT}; Dagster failed on {len(failures)}")
    for failure in failures:
        print(f"  {failure}")


if __name__ == "__main__":
    main()
