-- normalize_boolean on every form of the contract (1/0, Y/N, true/false, 是/否) and
-- junk. Returns the cases whose result differs from the hand-written expectation.
with

cases as (
    select * from (
        values
        ('1', true), ('0', false), ('Y', true), ('n', false), (' yes ', true),
        ('No', false), ('TRUE', true), ('false', false), ('t', true), ('F', false),
        ('是', true), ('否', false), ('', null), ('2', null), ('maybe', null),
        (null, null)
    ) as t (input_text, expected)
),

checked as (
    select
        input_text,
        expected,
        {{ normalize_boolean('input_text') }} as actual
    from cases
)

select * from checked
where actual is distinct from expected
