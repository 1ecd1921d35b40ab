# Fails on its first attempt, succeeds on the retry: reads retry_number.
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    pipes.log.info(f"attempt {pipes.retry_number}")
    if pipes.retry_number == 0:
        raise RuntimeError("transient failure")
    pipes.report_asset_materialization(metadata={"retry_number": pipes.retry_number})
