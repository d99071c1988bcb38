{#- Value checks of the mall exports (see macros/staging/staging_checks.sql). Mall
    orders are checked in base_mall__orders, which keeps the version of each order that
    stg_mall__orders, stg_mall__order_items and stg_mall__order_refunds read; the items
    and refunds nested in that version are checked element by element. -#}

{% macro staging_spec_mall__users() -%}
    {{ return({
        'name': 'mall__users',
        'model': 'stg_mall__users',
        'relation': source('mall', 'users'),
        'key': [normalize_identifier('openid')],
        'key_columns': ['openid'],
        'newest_first_column': 'updated_at',
        'newest_first': iso8601_to_utc('updated_at'),
        'checks': [
            staging_check('openid', 'openid', normalize_identifier('openid'), 'reject',
                'openid is a placeholder (null, 无, -, ...), not an account id: the user cannot be keyed; correct it and export the user again.',
                blank_fails=true, issue='placeholder'),
            staging_check('email', 'email', normalize_email('email'), 'null',
                'email is not an address of the form local@domain.tld (value not shown: personal data; see the raw row).',
                pii=true),
            staging_check('registered_at', 'registered_at', iso8601_to_utc('registered_at'), 'null',
                'registered_at is not ' ~ staging_reason('iso8601') ~ '.'),
            staging_check('updated_at', 'updated_at', iso8601_to_utc('updated_at'), 'null',
                'updated_at is not ' ~ staging_reason('iso8601') ~ '; this version of the user ranks below every version with a readable updated_at.'),
        ],
    }) }}
{%- endmacro %}

{% macro staging_spec_mall__orders() -%}
    {{ return({
        'name': 'mall__orders',
        'model': 'stg_mall__orders',
        'relation': source('mall', 'orders'),
        'key': [clean_text('order_id')],
        'key_columns': ['order_id'],
        'newest_first_column': 'updated_at',
        'newest_first': iso8601_to_utc('updated_at'),
        'checks': [
            staging_check('openid', 'openid', normalize_identifier('openid'), 'reject',
                'openid is a placeholder (null, 无, -, ...), not an account id: the order has no buyer; correct it and export the order again.',
                blank_fails=true, issue='placeholder'),
            staging_accepted_check('order_status', 'status',
                ['created', 'paid', 'shipped', 'completed', 'cancelled', 'refunded'], 'reject',
                'status is not an order status of the contract, so whether the order counts as a purchase is unknown; map it to one of them and export the order again',
                blank_fails=true),
            staging_check('paid_amount', 'payment_fee', fen_to_yuan('payment_fee'), 'reject',
                'payment_fee is not ' ~ staging_reason('fen') ~ ': the order has no amount paid; correct it and export the order again.',
                blank_fails=true, issue='not_integer_fen'),
            staging_check('paid_at', 'paid_at', iso8601_to_utc('paid_at'), 'reject',
                'paid_at is not ' ~ staging_reason('iso8601') ~ ': the order cannot be dated (no paid_date, the order date); correct it and export the order again.'),
            staging_check('total_amount', 'total_fee', fen_to_yuan('total_fee'), 'null',
                'total_fee is not ' ~ staging_reason('fen') ~ '.', issue='not_integer_fen'),
            staging_check('discount_amount', 'discount_fee', fen_to_yuan('discount_fee'), 'null',
                'discount_fee is not ' ~ staging_reason('fen') ~ '.', issue='not_integer_fen'),
            staging_check('created_at', 'created_at', iso8601_to_utc('created_at'), 'null',
                'created_at is not ' ~ staging_reason('iso8601') ~ '.'),
            staging_check('updated_at', 'updated_at', iso8601_to_utc('updated_at'), 'null',
                'updated_at is not ' ~ staging_reason('iso8601') ~ '; this version of the order ranks below every version with a readable updated_at.'),
            staging_check('items_json', 'items', 'items', 'null',
                'items is not a JSON array of {sku, quantity, price_fee} objects: the order has no lines in stg_mall__order_items (its amounts still count); export the order again with its items as an array.',
                invalid='not ' ~ json_is_array('{v}'), issue='not_array', blank_fails=true),
            staging_check('refunds_json', 'refunds', 'refunds', 'null',
                'refunds is not a JSON array of {refund_id, refund_fee, refunded_at} objects: none of its refunds reach stg_mall__order_refunds, so the order counts unrefunded; export the order again with its refunds as an array.',
                invalid='not ' ~ json_is_array('{v}'), issue='not_array'),
        ],
    }) }}
{%- endmacro %}

{% macro staging_spec_mall__order_items() -%}
    {%- set quantity = parse_integer(json_get_text('item_json', 'quantity')) -%}
    {{ return({
        'name': 'mall__order_items',
        'model': 'stg_mall__order_items',
        'relation': none,
        'elements': {
            'parent': 'base_mall__orders',
            'key_column': 'order_id',
            'json_column': 'items_json',
            'element_column': 'item_json',
            'ordinal_column': 'line_no',
        },
        'key': ['order_id', 'line_no'],
        'key_columns': ['order_id', 'line_no'],
        'newest_first_column': none,
        'newest_first': none,
        'checks': [
            staging_check('quantity', 'items[].quantity', quantity, 'reject',
                'the item quantity is not ' ~ staging_reason('integer') ~ '; correct it and export the order again.',
                blank_fails=true, value=json_get_text('item_json', 'quantity')),
            staging_check('quantity', 'items[].quantity', quantity, 'keep',
                'the item quantity is zero or negative: a refund is recorded in refunds, not as a negative line; it still counts in units and spend downstream: correct the export.',
                invalid='{v} <= 0', issue='not_positive', value=json_get_text('item_json', 'quantity')),
            staging_check('unit_price', 'items[].price_fee', fen_to_yuan(json_get_text('item_json', 'price_fee')), 'reject',
                'the item price_fee is not ' ~ staging_reason('fen') ~ ': the line has no amount; correct it and export the order again.',
                blank_fails=true, issue='not_integer_fen', value=json_get_text('item_json', 'price_fee')),
            staging_check('sku', 'items[].sku', clean_text(json_get_text('item_json', 'sku')), 'keep',
                'the item has no sku.', invalid='false', blank_fails=true, value=json_get_text('item_json', 'sku')),
        ],
    }) }}
{%- endmacro %}

{% macro staging_spec_mall__order_refunds() -%}
    {{ return({
        'name': 'mall__order_refunds',
        'model': 'stg_mall__order_refunds',
        'relation': none,
        'elements': {
            'parent': 'base_mall__orders',
            'key_column': 'order_id',
            'json_column': 'refunds_json',
            'element_column': 'refund_json',
            'ordinal_column': 'refund_no',
        },
        'key': ['order_id', 'refund_no'],
        'key_columns': ['order_id', 'refund_no'],
        'newest_first_column': none,
        'newest_first': none,
        'checks': [
            staging_check('refund_amount', 'refunds[].refund_fee', fen_to_yuan(json_get_text('refund_json', 'refund_fee')), 'reject',
                'the refund_fee is not ' ~ staging_reason('fen') ~ ': the refund has no amount; correct it and export the order again.',
                blank_fails=true, issue='not_integer_fen', value=json_get_text('refund_json', 'refund_fee')),
            staging_check('refunded_at', 'refunds[].refunded_at', iso8601_to_utc(json_get_text('refund_json', 'refunded_at')), 'reject',
                'the refunded_at is not ' ~ staging_reason('iso8601') ~ ': the refund cannot be placed in time; correct it and export the order again.',
                blank_fails=true, value=json_get_text('refund_json', 'refunded_at')),
        ],
    }) }}
{%- endmacro %}

{% macro staging_spec_mall__behavior_events() -%}
    {{ return({
        'name': 'mall__behavior_events',
        'model': 'stg_mall__behavior_events',
        'relation': source('mall', 'behavior_events'),
        'key': [clean_text('event_id')],
        'key_columns': ['event_id'],
        'newest_first_column': none,
        'newest_first': none,
        'checks': [
            staging_check('occurred_at', 'occurred_at', epoch_millis_to_utc('occurred_at'), 'null',
                'occurred_at is not ' ~ staging_reason('epoch_millis') ~ '.'),
            staging_accepted_check('event_type', 'event_type', ['view', 'add_to_cart', 'favorite', 'search'], 'keep',
                'event_type is not a behaviour event type of the contract'),
        ],
    }) }}
{%- endmacro %}
