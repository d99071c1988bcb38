-- Nothing is silently dropped: for every file version in the manifest, the records
-- read equal the rows loaded plus the rows rejected, the raw table holds exactly the
-- rows the manifest says were loaded, and audit.rejected_rows holds exactly the
-- rejected ones. Returns the file versions where any of this fails.
{%- set raw_tables = [
    ('pos', 'members'), ('pos', 'orders'), ('pos', 'order_items'),
    ('mall', 'users'), ('mall', 'orders'), ('mall', 'behavior_events'),
    ('wecom', 'contacts'), ('wecom', 'group_events'),
    ('catalog', 'products'), ('catalog', 'stores'),
    ('marketing', 'campaigns'), ('marketing', 'campaign_sends'),
    ('privacy', 'consents'), ('privacy', 'erasure_requests'),
    ('service', 'nps_responses'),
] %}

with

load_manifest as (
    select * from {{ source('audit', 'load_manifest') }}
),

rejected_rows as (
    select * from {{ source('audit', 'rejected_rows') }}
),

raw_rows as (
    {%- for channel, entity in raw_tables %}
        select
            _file_id as file_id,
            count(*) as row_count
        from {{ source(channel, entity) }}
        group by _file_id
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

rejected_counts as (
    select
        file_id,
        count(*) as row_count
    from rejected_rows
    group by file_id
),

checked as (
    select
        load_manifest.file_id,
        load_manifest.source_file,
        load_manifest.records_read,
        load_manifest.rows_loaded,
        load_manifest.rows_rejected,
        coalesce(raw_rows.row_count, 0) as raw_row_count,
        coalesce(rejected_counts.row_count, 0) as rejected_row_count
    from load_manifest
    left join raw_rows on load_manifest.file_id = raw_rows.file_id
    left join rejected_counts on load_manifest.file_id = rejected_counts.file_id
)

select * from checked
where
    records_read != rows_loaded + rows_rejected
    or raw_row_count != rows_loaded
    or rejected_row_count != rows_rejected
