# Writes many messages quickly: logs and, for a multi-asset, materializations with metadata.
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    count = int(pipes.get_extra("count"))
    for number in range(count):
        pipes.log.info(f"message {number}")
    pipes.report_asset_materialization(metadata={"count": count, "mean": 0.5, "source": "bench"})
