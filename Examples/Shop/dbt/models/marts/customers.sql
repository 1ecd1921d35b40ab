with orders as (
    select customer_id, count(*) as number_of_orders, min(order_date) as first_order, max(order_date) as last_order
    from {{ ref('stg_orders') }}
    group by 1
),
payments as (
    select o.customer_id, sum(p.amount) as lifetime_value
    from {{ ref('stg_payments') }} p join {{ ref('stg_orders') }} o using (order_id)
    group by 1
)
select c.customer_id, c.first_name, c.last_name, coalesce(o.number_of_orders, 0) as number_of_orders,
    o.first_order, o.last_order, coalesce(p.lifetime_value, 0) as lifetime_value
from {{ ref('stg_customers') }} c
left join orders o using (customer_id)
left join payments p using (customer_id)
