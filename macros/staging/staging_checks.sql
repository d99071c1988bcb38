{#- Staging value checks: nothing is silently dropped or nulled.

    Each export declares its checks once, in a spec macro (macros/staging/checks/):
    which value of the raw text is checked, how it is parsed, what makes it bad, what
    staging does with a bad one and a reason a person can act on. The staging model
    evaluates the spec on its raw rows (rows failing a `reject` check are left out; a
    `null` check's bad value is stored as null) and audit.staging_rejections evaluates
    the same spec on the same raw rows to list every failed check with file, line,
    value and reason. One definition, read by both.

    In a staging model: staging_parsed_columns(spec) parses each checked value once
    (_raw_n, _value_n); the typed step reads checked values with staging_value(spec,
    column) and adds each check's problem code with staging_check_columns(spec)
    (_issue_n); staging_version_rank(spec) ranks the versions of a record; the model
    keeps the rows where staging_is_kept(spec).

    A spec is a dict:
      name          raw table or element set, e.g. pos__orders (CTE-name safe)
      model         the staging model people read, e.g. stg_pos__orders
      relation      what the checks read: source('pos', 'orders'), or the name of the
                    unnested elements (see `elements`)
      key           SQL expressions over raw columns: the record's key (the partition
                    of version_rank in the audit models; shown as record_key)
      key_pii       true when the key holds personal data: record_key is its keyed
                    hash (staging_pii_key)
      key_columns   the staging model's typed columns holding the same key values
                    (its version_rank partition)
      newest_first  SQL expression over raw columns whose largest value is the newest
                    version, or none; newest_first_column: the model's typed column
                    holding it
      checks        list of staging_check(...)
      elements      for nested JSON arrays (mall items and refunds): dict with parent
                    (the ref name), json_column, element_column, ordinal_column
-#}

{#- One check.
    column         the staged column the value becomes (e.g. order_date)
    source_column  the export's column (e.g. ordered_at), named in the reason
    parsed         SQL: the typed value (null when unreadable)
    action         reject: the row cannot be used without it (keys, order dates, paid
                   amounts, status codes); it is left out of the staging model.
                   null: the row is kept and the value stored as null.
                   keep: the row and value are kept as exported (a data-quality flag,
                   e.g. a negative quantity).
    reason         what is wrong and what to fix, for a person
    invalid        SQL condition that makes a non-blank value bad, `{v}` standing for
                   the parsed value; default `{v} is null` (a value was given but
                   could not be read)
    issue          short code of the problem (default invalid); a blank value failing
                   a blank_fails check has issue `missing`
    blank_fails    a blank value fails too (required values)
    pii            the raw value is personal data: the audit row does not show it
    value          SQL: the raw text checked (default: the source column) -#}
{% macro staging_check(column, source_column, parsed, action, reason, invalid=none, issue='invalid', blank_fails=false, pii=false, value=none) -%}
    {%- if action not in ('reject', 'null', 'keep') -%}
        {{ exceptions.raise_compiler_error("staging_check " ~ column ~ ": action must be reject, null or keep, not " ~ action) }}
    {%- endif -%}
    {{ return({
        'column': column,
        'source_column': source_column,
        'value': value if value is not none else source_column,
        'parsed': parsed,
        'action': action,
        'reason': reason,
        'invalid': invalid,
        'issue': issue,
        'blank_fails': blank_fails,
        'pii': pii,
    }) }}
{%- endmacro %}

{#- A code that must be one of `values` (an accepted_values test watches the column). -#}
{% macro staging_accepted_check(column, source_column, values, action, reason, blank_fails=false) -%}
    {%- set parsed = clean_code(source_column) -%}
    {%- set quoted = [] -%}
    {%- for v in values %}{% do quoted.append("'" ~ v ~ "'") %}{% endfor -%}
    {{ return(staging_check(
        column, source_column, parsed, action,
        reason ~ ' (accepted: ' ~ values | join(', ') ~ ')',
        invalid='{v} not in (' ~ quoted | join(', ') ~ ')',
        issue='not_accepted', blank_fails=blank_fails,
    )) }}
{%- endmacro %}

{#- The columns a staging model adds to its raw rows first: for check n, _raw_n (the
    raw text checked) and _value_n (its parsed value). Each value is parsed once. -#}
{% macro staging_parsed_columns(spec) -%}
    {%- for check in spec.checks %}
    {{ check.value }} as _raw_{{ loop.index }},
    {{ check.parsed }} as _value_{{ loop.index }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The problem code of check n (a row holding _raw_n and _value_n), or null when the
    value passes. -#}
{% macro staging_check_issue(check, n) -%}
    {%- set v = '_value_' ~ n -%}
    case
        when nullif(trim(_raw_{{ n }}), '') is null
            then {{ "'missing'" if check.blank_fails else 'null' }}
        when {{ (check.invalid if check.invalid is not none else '{v} is null') | replace('{v}', v) }}
            then '{{ check.issue }}'
    end
{%- endmacro %}

{#- The problem-code columns (_issue_n, one per check) a staging model adds to its
    typed rows, computed from staging_parsed_columns. -#}
{% macro staging_check_columns(spec) -%}
    {%- for check in spec.checks %}
    {{ staging_check_issue(check, loop.index) }} as _issue_{{ loop.index }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- version_rank over the model's typed key columns (spec.key_columns, the same values
    as the raw expressions of spec.key) and newest_first column. Computed over every
    row, rejected ones included: when the newest version of a record is rejected, no
    older version takes its place. -#}
{% macro staging_version_rank(spec) -%}
    {{ version_rank(spec.key_columns | join(', '), spec.newest_first_column) }}
{%- endmacro %}

{#- The condition a staging model keeps its rows by: the record's newest version (raw
    exports) that fails no reject check. -#}
{% macro staging_is_kept(spec) -%}
    {%- set conditions = [] -%}
    {%- if not staging_is_elements(spec) %}{% do conditions.append('_version_rank = 1') %}{% endif -%}
    {%- for check in spec.checks -%}
        {%- if check.action == 'reject' %}{% do conditions.append('_issue_' ~ loop.index ~ ' is null') %}{% endif -%}
    {%- endfor -%}
    {{ conditions | join(' and ') if conditions | length > 0 else 'true' }}
{%- endmacro %}

{#- The checked value of `column` (on rows holding staging_parsed_columns): its parsed
    value, or null when a `null` check of the column fails. -#}
{% macro staging_value(spec, column) -%}
    {%- set ns = namespace(value=none, nulling=[]) -%}
    {%- for check in spec.checks -%}
        {%- if check.column == column -%}
            {%- if ns.value is none %}{% set ns.value = '_value_' ~ loop.index %}{% endif -%}
            {%- if check.action == 'null' %}{% do ns.nulling.append(staging_check_issue(check, loop.index) ~ ' is not null') %}{% endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if ns.value is none -%}
        {{ exceptions.raise_compiler_error("staging_value: spec " ~ spec.name ~ " has no check of column " ~ column) }}
    {%- endif -%}
    {%- if ns.nulling | length == 0 -%}
        {{ ns.value }}
    {%- else -%}
        case when {{ ns.nulling | join(' or ') }} then null else {{ ns.value }} end
    {%- endif -%}
{%- endmacro %}

{% macro staging_is_elements(spec) -%}
    {{ return(spec.elements is defined and spec.elements is not none) }}
{%- endmacro %}

{#- A surrogate key over text that holds personal data (a send's recipient phone, a
    consent's identifier value): the first 32 hex digits (an md5's length) of its
    keyed hash, HMAC-SHA256 keyed by the warehouse secret, so nobody holding the phone
    can recompute the key. Used for such models' ids and for their audit record_key
    (the same value for the same parts). -#}
{% macro staging_pii_key(text_expr) -%}
    substr({{ keyed_hash(text_expr) }}, 1, 32)
{%- endmacro %}

{#- The record's key as text: the spec's key parts joined by |, a null part blank. -#}
{% macro staging_record_key_text(spec) -%}
    {%- set parts = [] -%}
    {%- for k in spec.key -%}
        {%- if not loop.first %}{% do parts.append("'|'") %}{% endif -%}
        {%- do parts.append("coalesce(" ~ dbt.safe_cast(k, dbt.type_string()) ~ ", '')") -%}
    {%- endfor -%}
    {{ dbt.concat(parts) if parts | length > 1 else parts[0] }}
{%- endmacro %}

{#- The record_key the audit models show, from the key text (`text_expr`, from
    staging_record_key_text): the text itself, or its keyed hash (staging_pii_key)
    when the key holds personal data (spec key_pii: a send's recipient phone, a
    consent's identifier value), so that no audit row quotes it or a plain hash of it.
    The audit models compare and filter on the text, and compute this only for the
    rows they keep: a keyed hash of every raw row would cost more than the checks. -#}
{% macro staging_record_key_from_text(spec, text_expr) -%}
    {%- if spec.key_pii is defined and spec.key_pii -%}
        {{ staging_pii_key(text_expr) }}
    {%- else -%}
        {{ text_expr }}
    {%- endif -%}
{%- endmacro %}

{#- The record_key of a raw row (the two macros above in one). -#}
{% macro staging_record_key(spec) -%}
    {{ staging_record_key_from_text(spec, staging_record_key_text(spec)) }}
{%- endmacro %}

{#- The rows of a JSON array column, one per element, with the parent's key and
    lineage: `element_column` holds the element as JSON text, `ordinal_column` its
    1-based position. A value that is not an array gives no rows (the parent's spec
    flags it). Used by the mall item and refund models and by the audit models. -#}
{% macro staging_json_elements(parent, key_column, json_column, element_column, ordinal_column) -%}
    select
        parent.{{ key_column }},
        elements.{{ ordinal_column }},
        elements.element as {{ element_column }},
        parent._source_file,
        parent._source_line,
        parent._file_id,
        parent._loaded_at
    from {{ parent }} as parent
    {{ join_json_array_elements('parent.' ~ json_column, 'elements', 'element', ordinal_column) }}
{%- endmacro %}

{#- CTEs (comma-separated, no trailing comma) listing every failed check of one spec:
    <name>__failures has one row per raw row (or element) and failed check, with the
    columns of audit.staging_rejections. It reads the same raw rows as the staging
    model and evaluates the same check columns. `check_numbers` must be a CTE with
    column check_no holding 1..n (n >= the number of checks). -#}
{% macro staging_failure_ctes(spec) -%}
    {%- set n = spec.checks | length -%}
    {%- set is_elements = staging_is_elements(spec) -%}
    {%- if is_elements %}
{{ spec.name }}__elements as (
    {{ staging_json_elements(ref(spec.elements.parent), spec.elements.key_column, spec.elements.json_column, spec.elements.element_column, spec.elements.ordinal_column) }}
),
    {%- endif %}

{{ spec.name }}__parsed as (
    select
        _source_file,
        _source_line,
        _file_id,
        {{ staging_record_key_text(spec) }} as record_key_text,
        {%- for k in spec.key %}
        {{ k }} as _key_{{ loop.index }},
        {%- endfor %}
        {%- if spec.newest_first %}
        {{ spec.newest_first }} as _newest_first,
        {%- endif %}
        {{ staging_parsed_columns(spec) }}
    from {{ spec.name ~ '__elements' if is_elements else spec.relation }}
),

{{ spec.name }}__checked as (
    select
        _source_file,
        _source_line,
        _file_id,
        record_key_text,
        {%- for k in spec.key %}
        _key_{{ loop.index }},
        {%- endfor %}
        {%- if spec.newest_first %}
        _newest_first,
        {%- endif %}
        {%- for check in spec.checks %}
        {%- if check.pii %}
        cast(null as {{ dbt.type_string() }}) as _shown_{{ loop.index }},
        {%- else %}
        substring(cast(_raw_{{ loop.index }} as {{ dbt.type_string() }}), 1, 200) as _shown_{{ loop.index }},
        {%- endif %}
        {{ staging_check_issue(check, loop.index) }} as _issue_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ spec.name }}__parsed
),

{{ spec.name }}__failed as (
    select * from {{ spec.name }}__checked
    where
        {%- for check in spec.checks %}
        _issue_{{ loop.index }} is not null{{ ' or' if not loop.last }}
        {%- endfor %}
),
{%- if not is_elements %}

{{ spec.name }}__versions as (
    select
        _file_id,
        _source_line,
        -- tie-break: _file_id, _source_line unique (a raw row is one line of one file)
        row_number() over (
            partition by {% for k in spec.key %}_key_{{ loop.index }}{{ ', ' if not loop.last }}{% endfor %}
            order by
                {%- if spec.newest_first %} _newest_first desc nulls last,{% endif %}
                _file_id desc,
                _source_line desc
        ) as version_rank
    from {{ spec.name }}__checked
    where record_key_text in (select failed.record_key_text from {{ spec.name }}__failed as failed)
),
{%- endif %}

{{ spec.name }}__issues as (
    select
        {{ spec.name }}__failed.*,
        check_numbers.check_no,
        case check_numbers.check_no
            {%- for check in spec.checks %}
            when {{ loop.index }} then _issue_{{ loop.index }}
            {%- endfor %}
        end as issue
    from {{ spec.name }}__failed
    cross join check_numbers
    where check_numbers.check_no <= {{ n }}
),

{{ spec.name }}__failures as (
    select
        '{{ spec.model }}' as model_name,
        {{ staging_record_key_from_text(spec, 'issues.record_key_text') }} as record_key,
        case issues.check_no
            {%- for check in spec.checks %}
            when {{ loop.index }} then '{{ check.column }}'
            {%- endfor %}
        end as column_name,
        case issues.check_no
            {%- for check in spec.checks %}
            when {{ loop.index }} then '{{ check.source_column }}'
            {%- endfor %}
        end as source_column,
        case issues.check_no
            {%- for check in spec.checks %}
            when {{ loop.index }} then issues._shown_{{ loop.index }}
            {%- endfor %}
        end as raw_value,
        issues.issue,
        case issues.check_no
            {%- for check in spec.checks %}
            when {{ loop.index }} then
                case
                    when issues.issue = 'missing'
                        then '{{ staging_missing_text(spec, check) | replace("'", "''") }}'
                    else '{{ (check.reason ~ staging_action_text(spec, check)) | replace("'", "''") }}'
                end
            {%- endfor %}
        end as reason,
        case issues.check_no
            {%- for check in spec.checks %}
            when {{ loop.index }} then '{{ 'rejected' if check.action == 'reject' else 'flagged' }}'
            {%- endfor %}
        end as severity,
        case issues.check_no
            {%- for check in spec.checks %}
            when {{ loop.index }} then '{{ check.action }}'
            {%- endfor %}
        end as staging_action,
        {%- if is_elements %}
        true as is_latest_version,
        {%- else %}
        coalesce(versions.version_rank = 1, false) as is_latest_version,
        {%- endif %}
        issues._source_file as source_file,
        issues._source_line as source_line,
        issues._file_id as file_id
    from {{ spec.name }}__issues as issues
    {%- if not is_elements %}
    left join {{ spec.name }}__versions as versions
        on
            issues._file_id = versions._file_id
            and issues._source_line = versions._source_line
    {%- endif %}
    where issues.issue is not null
)
{%- endmacro %}

{#- What staging did with the row, appended to every reason. -#}
{% macro staging_action_text(spec, check) -%}
    {%- if check.action == 'reject' -%}
        {{ return(' The row is left out of ' ~ spec.model ~ '.') }}
    {%- elif check.action == 'null' -%}
        {{ return(' The row is kept in ' ~ spec.model ~ ' with ' ~ check.column ~ ' null.') }}
    {%- else -%}
        {{ return(' The row is kept in ' ~ spec.model ~ ' as exported.') }}
    {%- endif -%}
{%- endmacro %}

{#- The reason given when a blank_fails check meets a blank value. -#}
{% macro staging_missing_text(spec, check) -%}
    {%- if check.action == 'reject' -%}
        {{ return(check.source_column ~ ' is empty: ' ~ spec.model ~ ' cannot use the row without it; export the record again with a value.' ~ staging_action_text(spec, check)) }}
    {%- else -%}
        {{ return(check.source_column ~ ' is empty.' ~ staging_action_text(spec, check)) }}
    {%- endif -%}
{%- endmacro %}

{#- CTEs (comma-separated, no trailing comma) of one spec's row accounting:
    <name>__accounting has one row per export file version with raw_rows, staged_rows
    (counted in the staging model), rejected_rows and superseded_rows. Each raw row is
    classified by itself: staged (its file and line are in the staging model), rejected
    (a rejected check in staging_rejections), or superseded (neither, and its record,
    by the spec's key, stands in the staging model or was rejected at its newest
    version); any other row leaves the file unbalanced. Needs CTEs rejected_rows
    (model_name, file_id, source_line, record_key) and rejected_records (model_name,
    record_key: rejected at the newest version). Nested elements (mall items and
    refunds) are never superseded: every element not rejected must be staged. -#}
{% macro staging_accounting_ctes(spec) -%}
    {%- if staging_is_elements(spec) %}
{{ spec.name }}__elements as (
    {{ staging_json_elements(ref(spec.elements.parent), spec.elements.key_column, spec.elements.json_column, spec.elements.element_column, spec.elements.ordinal_column) }}
),

{{ spec.name }}__classified as (
    select
        elements._source_file,
        elements._file_id,
        (rejected.file_id is not null) as is_rejected,
        (rejected.file_id is null) as is_staged,
        false as is_superseded
    from {{ spec.name }}__elements as elements
    left join rejected_rows as rejected
        on
            rejected.model_name = '{{ spec.model }}'
            and elements._file_id = rejected.file_id
            and elements._source_line = rejected.source_line
            and {{ staging_record_key(spec) }} = rejected.record_key
),
    {%- else %}
{{ spec.name }}__rows as (
    select
        _source_file,
        _file_id,
        _source_line,
        {{ staging_record_key_text(spec) }} as record_key_text
    from {{ spec.relation }}
),

{{ spec.name }}__staged_lines as (
    select distinct
        _file_id,
        _source_line
    from {{ ref(spec.model) }}
),

{{ spec.name }}__marked as (
    select
        raw_rows._source_file,
        raw_rows._file_id,
        raw_rows._source_line,
        raw_rows.record_key_text,
        (rejected.file_id is not null) as is_rejected,
        (staged._file_id is not null) as is_staged
    from {{ spec.name }}__rows as raw_rows
    left join {{ spec.name }}__staged_lines as staged
        on
            raw_rows._file_id = staged._file_id
            and raw_rows._source_line = staged._source_line
    left join rejected_rows as rejected
        on
            rejected.model_name = '{{ spec.model }}'
            and raw_rows._file_id = rejected.file_id
            and raw_rows._source_line = rejected.source_line
),

{{ spec.name }}__staged_keys as (
    select distinct record_key_text from {{ spec.name }}__marked
    where is_staged
),

{{ spec.name }}__unplaced as (
    -- neither staged nor rejected (older versions, mostly): only these need the
    -- record_key as staging_rejections shows it
    select
        _file_id,
        _source_line,
        record_key_text,
        {{ staging_record_key_from_text(spec, 'record_key_text') }} as record_key
    from {{ spec.name }}__marked
    where not is_staged and not is_rejected
),

{{ spec.name }}__superseded as (
    -- the record stands: staged, or rejected at its newest version
    select
        unplaced._file_id,
        unplaced._source_line
    from {{ spec.name }}__unplaced as unplaced
    left join {{ spec.name }}__staged_keys as staged_keys
        on unplaced.record_key_text = staged_keys.record_key_text
    left join rejected_records
        on
            rejected_records.model_name = '{{ spec.model }}'
            and unplaced.record_key = rejected_records.record_key
    where
        staged_keys.record_key_text is not null
        or rejected_records.record_key is not null
),

{{ spec.name }}__classified as (
    select
        marked._source_file,
        marked._file_id,
        marked.is_rejected,
        marked.is_staged,
        (superseded._file_id is not null) as is_superseded
    from {{ spec.name }}__marked as marked
    left join {{ spec.name }}__superseded as superseded
        on
            marked._file_id = superseded._file_id
            and marked._source_line = superseded._source_line
),
    {%- endif %}

{{ spec.name }}__staged as (
    select
        _file_id,
        count(*) as staged_rows
    from {{ ref(spec.model) }}
    group by _file_id
),

{{ spec.name }}__accounting as (
    select
        '{{ spec.model }}' as model_name,
        classified._source_file as source_file,
        classified._file_id as file_id,
        count(*) as raw_rows,
        coalesce(max(staged.staged_rows), 0) as staged_rows,
        sum(case when classified.is_rejected then 1 else 0 end) as rejected_rows,
        sum(case when classified.is_superseded then 1 else 0 end) as superseded_rows,
        sum(case when classified.is_staged then 1 else 0 end) as staged_rows_found
    from {{ spec.name }}__classified as classified
    left join {{ spec.name }}__staged as staged
        on classified._file_id = staged._file_id
    group by classified._source_file, classified._file_id
)
{%- endmacro %}

{#- The body of a staging row-accounting test for some staging models (a family):
    returns a row per problem: a file version whose raw rows are not staged + rejected
    + superseded (audit.staging_row_accounting), a file version listed twice, or a
    model whose accounting does not cover every raw row (count of the raw table) or
    every staged row (count of the staging table). -#}
{% macro staging_rows_accounted_failures(model_names) -%}
    {%- set specs = staging_specs() | selectattr('model', 'in', model_names) | list -%}
    {%- if specs | length != model_names | length -%}
        {{ exceptions.raise_compiler_error("staging_rows_accounted_failures: no check spec for some of " ~ model_names | join(', ')) }}
    {%- endif %}
with

accounting as (
    select * from {{ ref('staging_row_accounting') }}
    where model_name in ('{{ model_names | join("', '") }}')
),

unbalanced as (
    select
        model_name,
        {{ dbt.concat([
            "'file '", 'source_file', "': raw '", dbt.safe_cast('raw_rows', dbt.type_string()),
            "' != staged '", dbt.safe_cast('staged_rows', dbt.type_string()),
            "' + rejected '", dbt.safe_cast('rejected_rows', dbt.type_string()),
            "' + superseded '", dbt.safe_cast('superseded_rows', dbt.type_string()),
        ]) }} as problem
    from accounting
    where not is_balanced
),

listed_twice as (
    select
        model_name,
        {{ dbt.concat(["'file_id '", dbt.safe_cast('file_id', dbt.type_string()), "' listed twice'"]) }} as problem
    from accounting
    group by model_name, file_id
    having count(*) > 1
),

accounted as (
    select
        model_name,
        sum(raw_rows) as raw_rows,
        sum(staged_rows) as staged_rows
    from accounting
    group by model_name
),
{% for spec in specs %}
{{ spec.name }}__counted as (
    select
        '{{ spec.model }}' as model_name,
        {%- if staging_is_elements(spec) %}
        cast(null as {{ dbt.type_bigint() }}) as raw_rows,
        {%- else %}
        (select count(*) from {{ spec.relation }}) as raw_rows,
        {%- endif %}
        (select count(*) from {{ ref(spec.model) }}) as staged_rows
),
{% endfor %}

counted as (
    {%- for spec in specs %}
    select * from {{ spec.name }}__counted
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

not_covered as (
    select
        counted.model_name,
        {{ dbt.concat([
            "'accounting covers '", "coalesce(" ~ dbt.safe_cast('accounted.raw_rows', dbt.type_string()) ~ ", '0')",
            "' raw and '", "coalesce(" ~ dbt.safe_cast('accounted.staged_rows', dbt.type_string()) ~ ", '0')",
            "' staged rows; the tables hold '", "coalesce(" ~ dbt.safe_cast('counted.raw_rows', dbt.type_string()) ~ ", '(elements)')",
            "' and '", dbt.safe_cast('counted.staged_rows', dbt.type_string()),
        ]) }} as problem
    from counted
    left join accounted
        on counted.model_name = accounted.model_name
    where
        coalesce(accounted.staged_rows, 0) != counted.staged_rows
        or (counted.raw_rows is not null and coalesce(accounted.raw_rows, 0) != counted.raw_rows)
)

select * from unbalanced
union all
select * from listed_twice
union all
select * from not_covered
{%- endmacro %}
