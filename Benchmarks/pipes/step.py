# The Pipes step of the overhead benchmark: logs once, reports one materialization with three
# metadata entries and one check.
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    pipes.log.info("computing")
    pipes.report_asset_materialization(metadata={"rows": 100, "mean": 0.5, "source": "bench"})
    pipes.report_asset_check(check_name="positive", passed=True)
