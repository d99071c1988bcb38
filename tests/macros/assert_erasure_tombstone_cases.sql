-- is_erasure_tombstone, without_tombstone, normalize_mobile and normalize_email on
-- erasure tombstones (erased- + 16 lower-case hex digits, as erasure.py writes them)
-- and on look-alikes. Returns the cases whose result differs from the hand-written
-- expectation.
with

cases as (
    select * from (
        values
        ('erased-0123456789abcdef', true, 'erased-0123456789abcdef', 'erased-0123456789abcdef'),
        (' erased-0123456789abcdef ', true, 'erased-0123456789abcdef', 'erased-0123456789abcdef'),
        ('erased-0123456789ABCDEF', false, null, null),
        ('erased-0123456789abcde', false, null, null),
        ('erased-0123456789abcdef0', false, null, null),
        ('erased-hmac:0123456789abcdef', false, null, null),
        ('erased-', false, null, null),
        ('13812345678', false, '13812345678', null),
        ('li.na@example.com', false, null, 'li.na@example.com'),
        (null, false, null, null)
    ) as t (input_text, expected_is_tombstone, expected_mobile, expected_email)
),

checked as (
    select
        input_text,
        expected_is_tombstone,
        expected_mobile,
        expected_email,
        {{ is_erasure_tombstone('input_text') }} as is_tombstone,
        {{ normalize_mobile('input_text') }} as mobile,
        {{ normalize_email('input_text') }} as email,
        {{ without_tombstone('input_text') }} as shown
    from cases
)

select * from checked
where
    is_tombstone <> expected_is_tombstone
    or coalesce(mobile, '~') <> coalesce(expected_mobile, '~')
    or coalesce(email, '~') <> coalesce(expected_email, '~')
    -- a tombstone is never shown; anything else passes through unchanged
    or coalesce(shown, '~') <> case when expected_is_tombstone then '~' else coalesce(input_text, '~') end
