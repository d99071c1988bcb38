{#- Restricted (schema pii): the customer's own name, mobile and email from the golden
    record, for activation tools that must reach the person. BI reads dim_customers,
    which carries masked forms and keyed hashes only. -#}

with int_customers_golden as (
    select * from {{ ref('int_customers_golden') }}
),

final as (
    select
        customer_id,
        customer_name,
        mobile,
        email
    from int_customers_golden
)

select * from final
