-- One row per day, built one day (partition) at a time from the window Cairn passes as vars.
{{ config(materialized='incremental', unique_key='order_day', incremental_strategy='delete+insert') }}
select cast(order_date as date) as order_day, count(*) as orders, sum(amount) as revenue
from {{ ref('orders') }}
where order_date >= cast('{{ var("min_date") }}' as timestamptz)
  and order_date < cast('{{ var("max_date") }}' as timestamptz)
group by 1
