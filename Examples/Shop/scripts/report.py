"""Reads the customers mart and reports the best customers to Cairn over Pipes."""
import duckdb
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    with duckdb.connect(pipes.get_extra("database"), read_only=True) as connection:
        rows = connection.execute(
            "select first_name || ' ' || last_name, number_of_orders, lifetime_value "
            "from customers order by lifetime_value desc limit 3").fetchall()
        total = connection.execute("select sum(lifetime_value) from customers").fetchone()[0]
    best = "\n".join(f"| {name} | {count} | {value:.2f} |" for name, count, value in rows)
    pipes.log.info(f"best customer: {rows[0][0]}")
    pipes.report_asset_materialization(
        metadata={
            "total_revenue": round(float(total), 2),
            "best_customer": rows[0][0],
            "top_customers": {"raw_value": "| Customer | Orders | Value |\n| --- | --- | --- |\n" + best, "type": "md"},
        }
    )
