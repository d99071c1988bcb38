"""Tag coverage and the audience builder.

The builder counts customers for a boolean combination of catalogue tags (all of /
any of / none of) on the wide tag matrix, then applies the contact rules exactly as
the warehouse computed them: audience_contact_list's may_contact flag for the channel
and purpose (erasure, address, consent, frequency cap, lifecycle policy), and a
sensitive tag (pregnancy, a child's age) only for people whose consent covers it
(may_use_sensitive_tags), as audience_export does. No consent logic lives here."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from crm_warehouse.dashboard.db import Filters, fetch_df, fetch_rows

PURPOSE_FLAGS = {
    "regular": "may_contact",
    "winback": "may_contact_winback",
    "major_sale": "may_contact_major_sale",
}


class AudienceError(ValueError):
    """An audience that cannot be built (unknown tag, channel or purpose)."""


@dataclass(frozen=True)
class Condition:
    """Carry a tag; with a value, carry it with that value (band and value tags)."""

    tag_code: str
    value: str | None = None


@dataclass(frozen=True)
class AudienceSpec:
    """(all of) AND (any of) AND NOT (any of none_of); an empty part is no constraint."""

    all_of: tuple[Condition, ...] = ()
    any_of: tuple[Condition, ...] = ()
    none_of: tuple[Condition, ...] = ()
    channel: str = "sms"
    purpose: str = "regular"

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return self.all_of + self.any_of + self.none_of


@dataclass
class AudienceResult:
    matched: int
    contactable: int
    blocked: pd.DataFrame = field(default_factory=pd.DataFrame)
    uses_sensitive_tags: bool = False


def tag_catalog(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return fetch_df(
        con,
        """
        select tag_code, dimension, label_zh, label_en, value_type, is_sensitive
        from marts.tag_catalog
        order by dimension, tag_code
        """,
    )


def contact_channels(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = fetch_rows(con, "select distinct channel from marts.audience_contact_list order by 1")
    return [row[0] for row in rows]


def coverage(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per tag: customers carrying it among the filtered customers and the share."""
    where, params = filters.where()
    return fetch_df(
        con,
        f"""
        with carried as (
            select tag_code, sum(customers) as customers
            from semantic.bi_tag_coverage
            where {where}
            group by tag_code
        ),
        total as (
            select sum(customers) as customers
            from semantic.bi_customer_counts
            where {where}
        )
        select
            catalog.tag_code,
            catalog.dimension,
            catalog.label_zh,
            catalog.label_en,
            catalog.is_sensitive,
            coalesce(carried.customers, 0) as customers,
            coalesce(carried.customers, 0) / nullif(total.customers, 0) as coverage_share
        from marts.tag_catalog as catalog
        cross join total
        left join carried on catalog.tag_code = carried.tag_code
        order by catalog.dimension, catalog.tag_code
        """,
        [*params, *params],
    )


def coverage_by_dimension(frame: pd.DataFrame) -> pd.DataFrame:
    """Tags per dimension, tags carried by someone, mean and max coverage."""
    grouped = frame.groupby("dimension", as_index=False).agg(
        tags=("tag_code", "count"),
        tags_in_use=("customers", lambda values: int((values > 0).sum())),
        mean_coverage=("coverage_share", "mean"),
        max_coverage=("coverage_share", "max"),
    )
    return grouped.sort_values("dimension").reset_index(drop=True)


def tag_values(con: duckdb.DuckDBPyConnection, tag_code: str) -> list[str]:
    """The values a band or value tag takes (most common first)."""
    rows = fetch_rows(
        con,
        """
        select tag_value from marts.customer_tags
        where tag_code = ? and tag_value is not null
        group by tag_value
        order by count(*) desc, tag_value
        limit 50
        """,
        [tag_code],
    )
    return [row[0] for row in rows]


def _matrix_columns(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = fetch_rows(
        con,
        """
        select column_name, data_type from information_schema.columns
        where table_schema = 'marts' and table_name = 'customer_tag_matrix'
        """,
    )
    return {name: data_type for name, data_type in rows}


def _predicate(condition: Condition, columns: dict[str, str], params: list) -> str:
    """SQL for one condition on the matrix (alias m). Tag codes are checked against the
    matrix's columns before they are quoted into SQL; values are parameters."""
    if condition.tag_code not in columns:
        raise AudienceError(f"unknown tag {condition.tag_code!r}")
    column = 'm."' + condition.tag_code.replace('"', '""') + '"'
    if columns[condition.tag_code] == "BOOLEAN":
        return f"coalesce({column}, false)"
    if condition.value is None:
        return f"({column} is not null)"
    params.append(condition.value)
    return f"coalesce(cast({column} as varchar) = ?, false)"


def _audience_sql(
    con: duckdb.DuckDBPyConnection, spec: AudienceSpec, filters: Filters
) -> tuple[str, list, bool]:
    """A query of the matched customers with their contact flags for the channel:
    columns customer_id, is_contactable, blocked_reason. Also whether a sensitive tag
    is used."""
    if spec.purpose not in PURPOSE_FLAGS:
        raise AudienceError(f"unknown purpose {spec.purpose!r}")
    if spec.channel not in contact_channels(con):
        raise AudienceError(f"unknown channel {spec.channel!r}")
    if not spec.conditions:
        raise AudienceError("choose at least one tag")
    columns = _matrix_columns(con)
    params: list = []
    parts: list[str] = []
    if spec.all_of:
        parts.append(" and ".join(_predicate(c, columns, params) for c in spec.all_of))
    if spec.any_of:
        parts.append("(" + " or ".join(_predicate(c, columns, params) for c in spec.any_of) + ")")
    if spec.none_of:
        parts.append(
            "not (" + " or ".join(_predicate(c, columns, params) for c in spec.none_of) + ")"
        )
    codes = [condition.tag_code for condition in spec.conditions]
    sensitive_rows = fetch_rows(
        con,
        f"select coalesce(bool_or(is_sensitive), false) from marts.tag_catalog "
        f"where tag_code in ({', '.join('?' for _ in codes)})",
        codes,
    )
    uses_sensitive = bool(sensitive_rows[0][0])
    semijoin, filter_params = filters.customer_semijoin("m.customer_id")
    flag = PURPOSE_FLAGS[spec.purpose]
    sensitive_ok = "contacts.may_use_sensitive_tags" if uses_sensitive else "true"
    sql = f"""
        select
            m.customer_id,
            coalesce(contacts.{flag} and {sensitive_ok}, false) as is_contactable,
            case
                when contacts.customer_id is null then 'not_in_contact_list'
                when not contacts.{flag} then coalesce(contacts.blocked_reason, 'purpose')
                when not {sensitive_ok} then 'sensitive_tags_without_consent'
            end as blocked_reason
        from marts.customer_tag_matrix as m
        left join marts.audience_contact_list as contacts
            on m.customer_id = contacts.customer_id and contacts.channel = ?
        where {" and ".join(parts)} and {semijoin}
    """
    return sql, [spec.channel, *params, *filter_params], uses_sensitive


def build_audience(
    con: duckdb.DuckDBPyConnection, spec: AudienceSpec, filters: Filters
) -> AudienceResult:
    """Customers matching the tags, those who may be contacted on the channel for the
    purpose, and why the others may not."""
    sql, params, uses_sensitive = _audience_sql(con, spec, filters)
    frame = fetch_df(
        con,
        f"""
        select blocked_reason, count(*) as customers,
            count(*) filter (where is_contactable) as contactable
        from ({sql}) as audience
        group by blocked_reason
        order by customers desc
        """,
        params,
    )
    matched = int(frame["customers"].sum()) if not frame.empty else 0
    contactable = int(frame["contactable"].sum()) if not frame.empty else 0
    blocked = frame[frame["blocked_reason"].notna()][["blocked_reason", "customers"]]
    return AudienceResult(matched, contactable, blocked.reset_index(drop=True), uses_sensitive)


def audience_customer_ids(
    con: duckdb.DuckDBPyConnection, spec: AudienceSpec, filters: Filters
) -> list[str]:
    """The contactable customers' ids (sorted): what the export holds."""
    sql, params, _ = _audience_sql(con, spec, filters)
    rows = fetch_rows(
        con,
        f"select customer_id from ({sql}) as audience where is_contactable order by 1",
        params,
    )
    return [row[0] for row in rows]
