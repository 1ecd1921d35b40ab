
    
    



select id
from "shop"."raw"."raw_orders"
where id is null


