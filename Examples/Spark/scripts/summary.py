"""Reads the Parquet table that the Spark job wrote and reports a summary of it to Cairn."""
import pyarrow.parquet as pq
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    table = pq.read_table(pipes.get_extra("input"))
    ages = table.column("age").to_pylist()
    names = table.column("name").to_pylist()
    mean = sum(ages) / len(ages) if ages else 0.0
    pipes.log.info(f"read {table.num_rows} rows from {pipes.get_extra('input')}")
    pipes.report_asset_materialization(
        metadata={
            "rows": table.num_rows,
            "mean_age": float(mean),
            "oldest": max(zip(ages, names))[1] if ages else "",
            "names": {"raw_value": ", ".join(sorted(names)), "type": "text"},
        }
    )
