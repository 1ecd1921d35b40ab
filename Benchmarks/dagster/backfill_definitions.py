"""One daily-partitioned asset with exactly 1,000 partitions (2020-01-01 to 2022-09-26) and its
one-asset job: what the backfill_1000_queued workload of bench.py backfills."""

import dagster as dg

daily_partitions = dg.DailyPartitionsDefinition(start_date="2020-01-01", end_date="2022-09-27")


@dg.asset(partitions_def=daily_partitions)
def daily(context: dg.AssetExecutionContext):
    return context.partition_key


defs = dg.Definitions(
    assets=[daily],
    jobs=[dg.define_asset_job("daily_job", selection=[daily], partitions_def=daily_partitions)],
)
