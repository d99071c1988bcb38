-- Row accounting of staging, per staging model and export file version: every raw row
-- is staged, rejected by a value check (audit.staging_rejections, severity rejected)
-- or superseded by a newer version of its record (the latest-version rule: the newest
-- version decides; when it is rejected the record is left out and its older versions
-- count as superseded). For the mall items and refunds nested in an order, the rows
-- are the elements of the staged order's arrays (nothing is superseded there).
--
-- raw_rows, rejected_rows and superseded_rows come from the raw rows, the version rank
-- of the export's check spec and the rejections table; staged_rows is counted in the
-- staging table itself, so is_balanced says the staging model kept exactly the rows
-- it should. Singular tests (tests/staging/assert_*_staging_rows_accounted.sql) fail
-- on any unbalanced file.
{{ config(schema='audit') }}
{%- set specs = staging_specs() %}

with

rejections as (
    select * from {{ ref('staging_rejections') }}
),

rejected_rows as (
    select distinct
        model_name,
        file_id,
        source_line,
        record_key
    from rejections
    where severity = 'rejected'
),
{% for spec in specs %}
    {{ staging_accounting_ctes(spec) }},
{% endfor %}

unioned as (
    {%- for spec in specs %}
        select * from {{ spec.name }}__accounting
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        model_name,
        source_file,
        file_id,
        raw_rows,
        staged_rows,
        rejected_rows,
        superseded_rows,
        (raw_rows = staged_rows + rejected_rows + superseded_rows) as is_balanced
    from unioned
)

select * from final
