"""The Streamlit entry point: `crm dashboard` runs `streamlit run` on this file.

Sidebar: language (中文 / English), filters (home store, region, purchase channel) and
the months shown; pages from pages.PAGES, each at its own URL (/overview, /lifecycle,
...). Reads the serving copy named by env CRM_DASHBOARD_DATABASE, read-only; query
results are cached per published copy (a new copy is read as soon as it is published).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import streamlit as st

from crm_warehouse.dashboard.db import (
    Filters,
    ServingConnection,
    connect,
    dashboard_database,
    fetch_rows,
)
from crm_warehouse.dashboard.db import filter_options as load_filter_options
from crm_warehouse.dashboard.i18n import LANGUAGES, t
from crm_warehouse.dashboard.pages import PAGES, PageContext

PAGE_ICONS = {
    "overview": ":material/dashboard:",
    "lifecycle": ":material/autorenew:",
    "rfm": ":material/grid_on:",
    "tiers": ":material/military_tech:",
    "tags": ":material/sell:",
    "campaigns": ":material/campaign:",
    "lookup": ":material/person_search:",
}


@st.cache_resource(show_spinner=False)
def serving_connection(path: str) -> ServingConnection:
    return ServingConnection(Path(path))


@st.cache_data(ttl=900, max_entries=1000, show_spinner=False)
def _cached(path: str, stamp: tuple[int, int], name: str, key: str, _call: Any) -> Any:
    """A query result, cached per serving file version, function and arguments (the
    arguments' repr is the key; `_call` itself is not hashed)."""
    return _call()


# Benchmarks set this to measure what the first visitor after a publish waits for: no
# cached result and a new connection (a cold DuckDB buffer pool) on every script run.
ENV_NO_CACHE = "CRM_DASHBOARD_NO_CACHE"
_UNCACHED: dict[str, Any] = {}


def uncached_runner(path: str) -> Any:
    previous = _UNCACHED.pop("connection", None)
    if previous is not None:
        previous.close()
    con = connect(Path(path))
    _UNCACHED["connection"] = con
    return lambda function, *args: function(con, *args)


def query_runner(path: str) -> Any:
    if os.environ.get(ENV_NO_CACHE) == "1":
        return uncached_runner(path)
    serving = serving_connection(path)

    def run(function: Any, *args: Any) -> Any:
        stamp = serving.stamp()
        name = f"{function.__module__}.{function.__qualname__}"
        return _cached(path, stamp, name, repr(args), lambda: function(serving.cursor(), *args))

    return run


def sidebar(run: Any) -> tuple[str, Filters, int]:
    lang = st.sidebar.radio(
        "语言 / Language",
        LANGUAGES,
        format_func=lambda code: "中文" if code == "zh" else "English",
        horizontal=True,
        key="lang",
    )
    st.sidebar.subheader(t("filters", lang))
    options = run(_filter_options)
    stores = st.sidebar.multiselect(t("filter_store", lang), options["stores"], key="stores")
    regions = st.sidebar.multiselect(t("filter_region", lang), options["regions"], key="regions")
    channels = st.sidebar.multiselect(
        t("filter_channel", lang), options["channels"], key="channels"
    )
    st.sidebar.caption(t("filters_note", lang))
    months = st.sidebar.slider(t("months", lang), 6, 60, 24, step=6, key="months")
    as_of = run(_as_of)
    if as_of is not None:
        st.sidebar.caption(f"{t('as_of', lang)}: {as_of:%Y-%m-%d}")
    return lang, Filters(tuple(stores), tuple(regions), tuple(channels)), months


def _filter_options(con: Any) -> dict[str, list[str]]:
    return load_filter_options(con)


def _as_of(con: Any) -> Any:
    rows = fetch_rows(con, "select max(as_of_date) from marts.dim_customers")
    return rows[0][0] if rows else None


def _page(name: str, run: Any, filters: Filters, lang: str, months: int) -> Any:
    def page() -> None:
        PAGES[name](PageContext(query=run, filters=filters, lang=lang, months=months))

    page.__name__ = f"page_{name}"
    return page


def main(default_page: str = "overview") -> None:
    st.set_page_config(page_title="CRM dashboard", page_icon=":bar_chart:", layout="wide")
    try:
        path = str(dashboard_database())
    except FileNotFoundError as exc:
        st.error(str(exc))
        st.stop()
    run = query_runner(path)
    lang, filters, months = sidebar(run)
    pages = [
        st.Page(
            _page(name, run, filters, lang, months),
            title=t(f"page_{name}", lang),
            icon=PAGE_ICONS[name],
            url_path=name,
            default=name == default_page,
        )
        for name in PAGES
    ]
    st.navigation(pages).run()


if __name__ == "__main__":
    main()
