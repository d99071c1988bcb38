-- Row accounting of the mall staging models: for every export file version, raw rows
-- = staged + rejected (audit.staging_rejections) + superseded by a newer version
-- (audit.staging_row_accounting), and that accounting covers every raw and staged row.
-- Returns one row per problem.
{{ staging_rows_accounted_failures(['stg_mall__users', 'stg_mall__orders', 'stg_mall__order_items', 'stg_mall__order_refunds', 'stg_mall__behavior_events']) }}
