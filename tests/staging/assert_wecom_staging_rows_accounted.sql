-- Row accounting of the wecom staging models: for every export file version, raw rows
-- = staged + rejected (audit.staging_rejections) + superseded by a newer version
-- (audit.staging_row_accounting), and that accounting covers every raw and staged row.
-- Returns one row per problem.
{{ staging_rows_accounted_failures(['stg_wecom__contacts', 'stg_wecom__group_events']) }}
