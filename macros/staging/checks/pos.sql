{#- Value checks of the POS exports (see macros/staging/staging_checks.sql). -#}

{% macro staging_spec_pos__members() -%}
    {{ return({
        'name': 'pos__members',
        'model': 'stg_pos__members',
        'relation': source('pos', 'members'),
        'key': [clean_text('member_card_no')],
        'key_columns': ['member_card_no'],
        'newest_first_column': 'updated_at',
        'newest_first': local_text_to_utc('updated_at'),
        'checks': [
            staging_check('birth_date', 'birthday', parse_local_date('birthday'), 'null',
                'birthday is not ' ~ staging_reason('local_date') ~ ' (value not shown: personal data; see the raw row); correct it in the member registry.',
                pii=true),
            staging_check('baby_birth_date', 'baby_birthday', parse_local_date('baby_birthday'), 'null',
                'baby_birthday is not ' ~ staging_reason('local_date') ~ ' (value not shown: personal data; see the raw row); correct it in the member registry.',
                pii=true),
            staging_check('gender', 'gender', normalize_gender('gender'), 'null',
                'gender is not one of M, F, 男, 女 (male, female); correct it in the member registry.'),
            staging_check('registered_at', 'registered_at', local_text_to_utc('registered_at'), 'null',
                'registered_at is not ' ~ staging_reason('local_datetime') ~ '.'),
            staging_check('updated_at', 'updated_at', local_text_to_utc('updated_at'), 'null',
                'updated_at is not ' ~ staging_reason('local_datetime') ~ '; this version of the card ranks below every version with a readable updated_at.'),
        ],
    }) }}
{%- endmacro %}

{% macro staging_spec_pos__orders() -%}
    {{ return({
        'name': 'pos__orders',
        'model': 'stg_pos__orders',
        'relation': source('pos', 'orders'),
        'key': [clean_text('order_no')],
        'key_columns': ['order_id'],
        'newest_first_column': none,
        'newest_first': none,
        'checks': [
            staging_check('ordered_at', 'ordered_at', local_text_to_utc('ordered_at'), 'reject',
                'ordered_at is not ' ~ staging_reason('local_datetime') ~ ': the order cannot be dated (no order_date); correct the time and export the order again.',
                blank_fails=true),
            staging_accepted_check('order_type', 'order_type', ['sale', 'return'], 'reject',
                'order_type is not a known order type: a sale and a return count in opposite directions; correct it and export the order again',
                blank_fails=true),
            staging_check('paid_amount', 'paid_amount', parse_yuan('paid_amount'), 'reject',
                'paid_amount is not ' ~ staging_reason('yuan') ~ ': the order has no amount paid; correct it and export the order again.',
                blank_fails=true),
            staging_check('total_amount', 'total_amount', parse_yuan('total_amount'), 'null',
                'total_amount is not ' ~ staging_reason('yuan') ~ '.'),
            staging_check('discount_amount', 'discount_amount', parse_yuan('discount_amount'), 'null',
                'discount_amount is not ' ~ staging_reason('yuan') ~ '.'),
            staging_accepted_check('payment_method', 'payment_method',
                ['cash', 'wechat_pay', 'alipay', 'card', 'stored_value'], 'keep',
                'payment_method is not a payment method of the contract'),
        ],
    }) }}
{%- endmacro %}

{% macro staging_spec_pos__order_items() -%}
    {%- set quantity = parse_integer(clean_text('quantity')) -%}
    {{ return({
        'name': 'pos__order_items',
        'model': 'stg_pos__order_items',
        'relation': source('pos', 'order_items'),
        'key': [clean_text('order_no'), parse_integer(clean_text('line_no'))],
        'key_columns': ['order_id', 'line_no'],
        'newest_first_column': none,
        'newest_first': none,
        'checks': [
            staging_check('line_no', 'line_no', parse_integer(clean_text('line_no')), 'reject',
                'line_no is not ' ~ staging_reason('integer') ~ ': the line cannot be told apart from the other lines of its order; correct it and export the line again.',
                blank_fails=true),
            staging_check('quantity', 'quantity', quantity, 'reject',
                'quantity is not ' ~ staging_reason('integer') ~ ' (2.5 is not rounded); correct it and export the line again.',
                blank_fails=true),
            staging_check('quantity', 'quantity', quantity, 'keep',
                'quantity is zero or negative: a POS return is an order of its own (order_type return) with positive quantities, so this is not a return but an invalid sale line; it still counts in units and spend downstream: correct the export.',
                invalid='{v} <= 0', issue='not_positive'),
            staging_check('line_amount', 'line_amount', parse_yuan('line_amount'), 'reject',
                'line_amount is not ' ~ staging_reason('yuan') ~ ': the line has no amount; correct it and export the line again.',
                blank_fails=true),
            staging_check('unit_price', 'unit_price', parse_yuan('unit_price'), 'null',
                'unit_price is not ' ~ staging_reason('yuan') ~ '.'),
            staging_check('sku', 'sku', clean_text('sku'), 'keep',
                'sku is empty.', invalid='false', blank_fails=true),
        ],
    }) }}
{%- endmacro %}
