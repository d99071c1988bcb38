-- Row accounting of staging, per staging model and export file version: every raw row
-- is staged, rejected by a value check (audit.staging_rejections, severity rejected)
-- or superseded by a newer version of its record (the latest-version rule: the newest
-- version decides; when it is rejected the record is left out and its older versions
-- count as superseded). For the mall items and refunds nested in an order, the rows
-- are the elements of the staged order's arrays (nothing is superseded there).
--
-- Every raw row is classified by itself: staged (its file and line are in the staging
-- table), rejected (a rejected check in audit.staging_rejections) or superseded
-- (neither, and its record, by the key of the export's check spec, stands in the
-- staging table or was rejected at its newest version). staged_rows is counted in
-- the staging table, so is_balanced (raw = staged + rejected + superseded, and every
-- staged row found among the raw rows) says the staging model kept exactly the rows
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

rejected_records as (
    select distinct
        model_name,
        record_key
    from rejections
    where severity = 'rejected' and is_latest_version
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
        (
            raw_rows = staged_rows + rejected_rows + superseded_rows
            and staged_rows_found = staged_rows
        ) as is_balanced
    from unioned
)

select * from final
