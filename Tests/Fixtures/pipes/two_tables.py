# One process computes two assets of a multi-asset and reports both, each with a check; the
# third asset of the step it leaves to be materialized implicitly.
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    assert sorted(pipes.asset_keys) == ["shop/customers", "shop/orders", "shop/summary"], pipes.asset_keys
    pipes.report_asset_materialization(asset_key="shop/orders", metadata={"rows": 10}, data_version="o1")
    pipes.report_asset_materialization(asset_key="shop/customers", metadata={"rows": 4})
    pipes.report_asset_check(asset_key="shop/orders", check_name="has_rows", passed=True)
    pipes.log.info(f"code versions {pipes.code_version_by_asset_key}")
