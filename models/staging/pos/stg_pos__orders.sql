with

source as (
    select * from {{ source('pos', 'orders') }}
),

typed as (
    select
        {{ clean_text('order_no') }} as order_id,
        {{ clean_text('store_id') }} as store_id,
        {{ clean_text('member_card_no') }} as member_card_no,
        {{ clean_text('original_order_no') }} as original_order_id,
        {{ normalize_mobile('mobile') }} as mobile,
        {{ mobile_quality('mobile') }} as mobile_quality,
        {{ clean_code('order_type') }} as order_type,
        {{ clean_code('payment_method') }} as payment_method,
        {{ parse_yuan('total_amount') }} as total_amount,
        {{ parse_yuan('discount_amount') }} as discount_amount,
        {{ parse_yuan('paid_amount') }} as paid_amount,
        {{ local_text_to_utc('ordered_at') }} as ordered_at,
        {{ lineage_columns() }}
    from source
),

ranked as (
    select
        *,
        {{ version_rank('order_id') }} as version_rank
    from typed
),

latest as (
    select * from ranked
    where version_rank = 1
),

sales as (
    select order_id from latest
    where order_type = 'sale'
),

final as (
    select
        latest.order_id,
        latest.store_id,
        latest.member_card_no,
        latest.original_order_id,
        latest.mobile,
        latest.mobile_quality,
        latest.order_type,
        latest.payment_method,
        latest.total_amount,
        latest.discount_amount,
        latest.paid_amount,
        coalesce(latest.order_type = 'return', false) as is_return,
        (sales.order_id is not null) as is_original_order_found,
        {{ utc_to_business_date('latest.ordered_at') }} as order_date,
        latest.ordered_at,
        latest._source_file,
        latest._source_line,
        latest._file_id,
        latest._loaded_at
    from latest
    left join sales
        on
            latest.order_type = 'return'
            and latest.original_order_id = sales.order_id
)

select * from final
