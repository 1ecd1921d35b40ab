# A daily-partitioned asset: reports the partition key and time window it was given.
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    window = pipes.partition_time_window
    pipes.report_asset_materialization(
        metadata={
            "partition": pipes.partition_key,
            "range": f"{pipes.partition_key_range['start']}..{pipes.partition_key_range['end']}",
            "window_start": window["start"],
            "window_end": window["end"],
            "job": str(pipes.job_name),
            "run_id": pipes.run_id,
        }
    )
