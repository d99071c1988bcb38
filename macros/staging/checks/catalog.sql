{#- Value checks of the catalogue exports (see macros/staging/staging_checks.sql). -#}

{% macro staging_spec_catalog__products() -%}
    {{ return({
        'name': 'catalog__products',
        'model': 'stg_catalog__products',
        'relation': source('catalog', 'products'),
        'key': [clean_text('sku')],
        'key_columns': ['sku'],
        'newest_first_column': none,
        'newest_first': none,
        'checks': [
            staging_check('list_price', 'list_price', parse_yuan('list_price'), 'null',
                'list_price is not ' ~ staging_reason('yuan') ~ '.'),
            staging_check('launched_date', 'launched_at', parse_local_date('launched_at'), 'null',
                'launched_at is not ' ~ staging_reason('local_date') ~ ': the product is never a new arrival.'),
            staging_accepted_check('age_stage', 'age_stage',
                ['pregnancy', '0-6m', '6-12m', '1-3y', '3-6y', 'adult', 'all'], 'keep',
                'age_stage is not an age stage of the contract'),
        ],
    }) }}
{%- endmacro %}

{% macro staging_spec_catalog__stores() -%}
    {{ return({
        'name': 'catalog__stores',
        'model': 'stg_catalog__stores',
        'relation': source('catalog', 'stores'),
        'key': [clean_text('store_id')],
        'key_columns': ['store_id'],
        'newest_first_column': none,
        'newest_first': none,
        'checks': [
            staging_check('opened_date', 'opened_at', parse_local_date('opened_at'), 'null',
                'opened_at is not ' ~ staging_reason('local_date') ~ '.'),
            staging_accepted_check('region', 'region', ['east', 'south', 'north', 'west', 'central'], 'keep',
                'region is not a region of the contract'),
        ],
    }) }}
{%- endmacro %}
