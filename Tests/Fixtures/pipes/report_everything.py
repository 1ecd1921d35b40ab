# Reports a materialization with metadata of every type, a check, logs at every level and a
# custom message, as Dagster's documentation shows.
import math
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    pipes.log.debug("debugging")
    pipes.log.info(f"partition={pipes.partition_key if pipes.is_partition_step else None} extras={pipes.extras}")
    pipes.log.warning("careful")
    pipes.log.error("an error, but not fatal")
    pipes.log.critical("critical")
    pipes.report_asset_materialization(
        data_version="v42",
        metadata={
            "row_count": 1200,
            "ratio": 0.5,
            "whole_float": 3.0,
            "owner": "team-a",
            "flag": True,
            "huge": 10**30,
            "nan": float("nan"),
            "rows": [1, 2, 3],
            "dashboard": {"raw_value": "https://example.com/d", "type": "url"},
            "file": {"raw_value": "/data/orders.parquet", "type": "path"},
            "notebook": {"raw_value": "/notebooks/eda.ipynb", "type": "notebook"},
            "notes": {"raw_value": "# Orders\n*fresh*", "type": "md"},
            "config": {"raw_value": {"a": 1, "b": [True, None]}, "type": "json"},
            "score": {"raw_value": 0.25, "type": "float"},
            "count": {"raw_value": 7, "type": "int"},
            "ok": {"raw_value": False, "type": "bool"},
            "text": {"raw_value": "plain", "type": "text"},
            "parent_run": {"raw_value": "b8cc1731-a580-45a0-9c32-e711b99af400", "type": "dagster_run"},
            "upstream": {"raw_value": "warehouse/raw", "type": "asset"},
            "nothing": {"raw_value": None, "type": "null"},
            "at": {"raw_value": 1700000000, "type": "timestamp"},
            "schema": {"raw_value": {"columns": [{"name": "id", "type": "int"}, {"name": "email", "type": "string", "description": "who"}]}, "type": "table_schema"},
            "sample": {"raw_value": {"records": [{"id": 1, "email": "a@b.c"}], "schema": [{"name": "id", "type": "int"}]}, "type": "table"},
            "lineage": {"raw_value": {"deps_by_column": {"id": [{"asset_key": "raw", "column_name": "id"}]}}, "type": "table_column_lineage"},
            "unicode": "caf\u00e9 \U0001F680",
        },
    )
    pipes.report_asset_check(check_name="no_nulls", passed=False, severity="WARN", metadata={"null_count": 3})
    pipes.report_asset_check(check_name="positive", passed=True, metadata={"min": 0.5})
    pipes.report_custom_message({"rows": [1, 2, 3]})
    pipes.report_custom_message("second")
    print("plain stdout line")
