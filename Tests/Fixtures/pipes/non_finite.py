# Reports metadata Python writes as bare NaN and Infinity, and labels with non-ASCII characters.
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    pipes.report_asset_materialization(metadata={"nan": float("nan"), "inf": float("-inf"), "größe": 3})
