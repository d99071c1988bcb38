{#- Exports repeat records: a re-export of the same key, possibly changed. The
    latest version wins: the newest `newest_first` value (e.g. updated_at) first,
    then the file loaded last, then the line further down the file. A staging model
    keeps the rows where this rank is 1. -#}
{% macro version_rank(partition_by, newest_first=none) -%}
    -- tie-break: _file_id, _source_line unique (a raw row is one line of one file)
    row_number() over (
        partition by {{ partition_by }}
        order by
            {%- if newest_first %} {{ newest_first }} desc nulls last,{% endif %}
            _file_id desc,
            _source_line desc
    )
{%- endmacro %}

{#- The lineage columns every staging model carries through from raw. -#}
{% macro lineage_columns() -%}
    _source_file,
    _source_line,
    _file_id,
    _loaded_at
{%- endmacro %}
