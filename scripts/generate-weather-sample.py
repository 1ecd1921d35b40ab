#!/usr/bin/env python3
"""Generates Examples/Weather/data/sfo_q2_weather_sample.csv: synthetic weather at SFO.

The file stands in for the ASOS observations of San Francisco International Airport used by the
Dagster asset tutorials: one sample every 30 minutes (UTC) from 2024-04-01 00:00 to 2024-06-30
23:30, 4,368 rows over 91 days. The values are synthetic but shaped like the real thing: a
diurnal cycle peaking mid-afternoon local time (PDT, UTC-7), seasonal warming from highs near
58°F in early April to about 70°F by late June, multi-day weather swings, the afternoon sea
breeze, and three offshore-wind heat spells with dry air and highs of 84-92°F.

Columns: station, valid (yyyy-MM-dd HH:mm, UTC), tmpf (°F), dwpf (dew point, °F), relh
(relative humidity, %), sknt (wind speed, knots).

Run from the repository root; the output is the same on every run (fixed seed, standard
library only):

    python3 scripts/generate-weather-sample.py
"""

import csv
import math
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

SEED = 20240401
START = datetime(2024, 4, 1, tzinfo=timezone.utc)
END = datetime(2024, 7, 1, tzinfo=timezone.utc)
STEP = timedelta(minutes=30)
UTC_OFFSET_HOURS = -7  # PDT
OUTPUT = Path(__file__).resolve().parent.parent / "Examples/Weather/data/sfo_q2_weather_sample.csv"

# Heat spells: (first local day index, length in days, peak high °F).
HEAT_SPELLS = [(14, 2, 84.0), (47, 3, 91.5), (74, 2, 88.0)]


def heat_spell(day):
    """The peak high of the heat spell over local day `day` and how fully the day reaches it."""
    for first, length, peak in HEAT_SPELLS:
        if first <= day < first + length:
            middle = first + (length - 1) / 2
            return peak, 1.0 - 0.1 * abs(day - middle)
    return None


def daily_plan(rng, days):
    """Lows, highs, dew points and wind strength per local day (one extra day at each end)."""
    plan = []
    temperature_anomaly = 0.0
    dew_anomaly = 0.0
    wind_anomaly = 0.0
    for day in range(-1, days + 1):
        season = max(0.0, min(1.0, day / (days - 1)))
        temperature_anomaly = 0.7 * temperature_anomaly + rng.gauss(0.0, 2.2)
        dew_anomaly = 0.6 * dew_anomaly + rng.gauss(0.0, 1.8)
        wind_anomaly = 0.5 * wind_anomaly + rng.gauss(0.0, 2.0)
        high = 58.0 + 12.0 * season + temperature_anomaly
        low = 47.5 + 6.5 * season + 0.6 * temperature_anomaly
        dew = 45.5 + 6.0 * season + dew_anomaly
        wind = 1.0 + 0.15 * season + wind_anomaly / 12.0
        spell = heat_spell(day)
        if spell is not None:
            peak, strength = spell
            excess = (peak + rng.uniform(-1.5, 1.5) - high) * strength
            low += 0.35 * excess
            high += excess
            dew -= rng.uniform(10.0, 16.0)
            wind *= 0.45
        plan.append({"low": low, "high": high, "dew": dew, "wind": wind})
    return plan


def temperature(plan, day, hour):
    """The smooth temperature at local `hour` of `day`: low near 06:00, high near 15:00."""
    today = plan[day + 1]
    if hour < 6.0:
        yesterday = plan[day]
        progress = (hour + 9.0) / 15.0
        return yesterday["high"] - (yesterday["high"] - today["low"]) * (1 - math.cos(math.pi * progress)) / 2
    if hour < 15.0:
        progress = (hour - 6.0) / 9.0
        return today["low"] + (today["high"] - today["low"]) * (1 - math.cos(math.pi * progress)) / 2
    tomorrow = plan[day + 2]
    progress = (hour - 15.0) / 15.0
    return today["high"] - (today["high"] - tomorrow["low"]) * (1 - math.cos(math.pi * progress)) / 2


def relative_humidity(tmpf, dwpf):
    """Relative humidity in percent from temperature and dew point (Magnus formula)."""
    t = (tmpf - 32.0) * 5.0 / 9.0
    d = (dwpf - 32.0) * 5.0 / 9.0
    return 100.0 * math.exp(17.625 * d / (243.04 + d)) / math.exp(17.625 * t / (243.04 + t))


def main():
    rng = random.Random(SEED)
    days = (END - START).days
    plan = daily_plan(rng, days + 1)
    temperature_noise = 0.0
    wind_noise = 0.0
    rows = []
    moment = START
    while moment < END:
        local = moment + timedelta(hours=UTC_OFFSET_HOURS)
        day = (local.date() - START.date()).days
        hour = local.hour + local.minute / 60.0
        temperature_noise = 0.8 * temperature_noise + rng.gauss(0.0, 0.45)
        tmpf = temperature(plan, day, hour) + temperature_noise
        weather = plan[day + 1]
        dwpf = weather["dew"] + 1.5 * math.sin(math.pi * (hour - 9.0) / 12.0) + rng.gauss(0.0, 0.6)
        dwpf = min(dwpf, tmpf - rng.uniform(0.3, 1.5))
        relh = min(100.0, relative_humidity(tmpf, dwpf))
        sea_breeze = max(0.0, math.sin(math.pi * (hour - 10.0) / 12.0)) if 10.0 <= hour <= 22.0 else 0.0
        wind_noise = 0.6 * wind_noise + rng.gauss(0.0, 1.8)
        sknt = max(0, round(weather["wind"] * (6.0 + 13.0 * sea_breeze) + wind_noise))
        rows.append(["SFO", moment.strftime("%Y-%m-%d %H:%M"), f"{tmpf:.1f}", f"{dwpf:.1f}", f"{relh:.1f}", sknt])
        moment += STEP

    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["station", "valid", "tmpf", "dwpf", "relh", "sknt"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUTPUT}")


if __name__ == "__main__":
    main()
