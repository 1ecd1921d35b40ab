"""A one-asset job on a `* * * * *` schedule that starts RUNNING: what the
schedule_tick_to_run_start workload of bench.py runs under `dagster-daemon run`."""

import dagster as dg


@dg.asset
def ticked():
    return 1


ticked_job = dg.define_asset_job("ticked_job", selection=[ticked])

defs = dg.Definitions(
    assets=[ticked],
    jobs=[ticked_job],
    schedules=[
        dg.ScheduleDefinition(
            name="every_minute",
            job=ticked_job,
            cron_schedule="* * * * *",
            default_status=dg.DefaultScheduleStatus.RUNNING,
        )
    ],
)
