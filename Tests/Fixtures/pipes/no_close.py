# Opens its session but never closes it, and exits 0.
from dagster_pipes import open_dagster_pipes

pipes = open_dagster_pipes()
pipes.log.info("opened, never closed")
pipes.report_asset_materialization(metadata={"rows": 1})
