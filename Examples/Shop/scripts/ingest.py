"""Lands the raw orders and payments in DuckDB (schema raw) and reports them to Cairn over Pipes."""
import datetime
import random

import duckdb
from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    days = int(pipes.get_extra("days"))
    generator = random.Random(42)
    start = datetime.datetime(2024, 3, 1, tzinfo=datetime.timezone.utc)
    orders, payments = [], []
    for order_id in range(1, days * 6 + 1):
        placed = start + datetime.timedelta(hours=generator.randrange(days * 24))
        status = generator.choice(["placed", "shipped", "completed", "completed", "returned"])
        orders.append((order_id, generator.randint(1, 10), placed.isoformat(), status))
        payments.append((order_id, order_id, generator.choice(["card", "bank", "coupon"]), generator.randint(500, 9000)))
    with duckdb.connect(pipes.get_extra("database")) as connection:
        connection.execute("create schema if not exists raw")
        connection.execute("create or replace table raw.raw_orders (id integer, user_id integer, order_date varchar, status varchar)")
        connection.executemany("insert into raw.raw_orders values (?, ?, ?, ?)", orders)
        connection.execute("create or replace table raw.raw_payments (id integer, order_id integer, payment_method varchar, amount integer)")
        connection.executemany("insert into raw.raw_payments values (?, ?, ?, ?)", payments)
    pipes.log.info(f"landed {len(orders)} orders over {days} days")
    pipes.report_asset_materialization(asset_key="raw_orders", metadata={"rows": len(orders)})
    pipes.report_asset_materialization(asset_key="raw_payments", metadata={"rows": len(payments)})
