"""The input contract: every channel export the warehouse reads.

One table of facts shared by the generator (which writes these exports), the
ingestion (which loads them into the ``raw`` schema) and the dbt sources (which
read the raw tables). See ``../shared/contract/channel-exports.md``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Export:
    """One export folder of the contract."""

    channel: str
    entity: str
    fmt: str  # "csv" or "jsonl"
    columns: tuple[str, ...]
    key_columns: tuple[str, ...]
    description: str

    @property
    def name(self) -> str:
        """Raw table name, e.g. ``pos__members``."""
        return f"{self.channel}__{self.entity}"

    @property
    def folder(self) -> str:
        """Folder below the raw directory, e.g. ``pos/members``."""
        return f"{self.channel}/{self.entity}"

    @property
    def suffix(self) -> str:
        return ".csv" if self.fmt == "csv" else ".jsonl"


EXPORTS: tuple[Export, ...] = (
    Export(
        "pos",
        "members",
        "csv",
        (
            "member_card_no",
            "name",
            "mobile",
            "gender",
            "birthday",
            "baby_birthday",
            "home_store_id",
            "registered_at",
            "updated_at",
        ),
        ("member_card_no",),
        "Store POS member registry",
    ),
    Export(
        "pos",
        "orders",
        "csv",
        (
            "order_no",
            "store_id",
            "member_card_no",
            "mobile",
            "ordered_at",
            "order_type",
            "original_order_no",
            "total_amount",
            "discount_amount",
            "paid_amount",
            "payment_method",
        ),
        ("order_no",),
        "Store POS sale and return headers",
    ),
    Export(
        "pos",
        "order_items",
        "csv",
        ("order_no", "line_no", "sku", "quantity", "unit_price", "line_amount"),
        ("order_no", "line_no"),
        "Store POS order lines",
    ),
    Export(
        "mall",
        "users",
        "jsonl",
        ("openid", "unionid", "nickname", "mobile", "email", "registered_at", "updated_at"),
        ("openid",),
        "Online mall / mini-program registered users",
    ),
    Export(
        "mall",
        "orders",
        "jsonl",
        (
            "order_id",
            "openid",
            "unionid",
            "mobile",
            "status",
            "created_at",
            "paid_at",
            "updated_at",
            "total_fee",
            "discount_fee",
            "payment_fee",
            "coupon_code",
            "receiver_province",
            "receiver_city",
            "items",
            "refunds",
        ),
        ("order_id",),
        "Online mall orders with nested items and refunds (kept as JSON text in raw)",
    ),
    Export(
        "mall",
        "behavior_events",
        "jsonl",
        ("event_id", "openid", "unionid", "event_type", "sku", "query", "occurred_at"),
        ("event_id",),
        "Mall browse, add-to-cart, favourite and search events",
    ),
    Export(
        "wecom",
        "contacts",
        "csv",
        (
            "external_userid",
            "unionid",
            "name",
            "remark_mobiles",
            "follow_userid",
            "store_id",
            "added_at",
            "deleted_at",
        ),
        ("external_userid",),
        "WeCom external contacts of store guides",
    ),
    Export(
        "wecom",
        "group_events",
        "jsonl",
        ("event_id", "external_userid", "group_chat_id", "event_type", "occurred_at", "payload"),
        ("event_id",),
        "WeCom community group interactions",
    ),
    Export(
        "catalog",
        "products",
        "csv",
        (
            "sku",
            "product_name",
            "category_l1",
            "category_l2",
            "brand",
            "size",
            "list_price",
            "age_stage",
            "launched_at",
        ),
        ("sku",),
        "Product catalogue",
    ),
    Export(
        "catalog",
        "stores",
        "csv",
        ("store_id", "store_name", "province", "city", "region", "store_type", "opened_at"),
        ("store_id",),
        "Store master",
    ),
    Export(
        "marketing",
        "campaigns",
        "csv",
        ("campaign_id", "campaign_name", "channel", "objective", "start_at", "end_at", "cost"),
        ("campaign_id",),
        "Marketing campaigns",
    ),
    Export(
        "marketing",
        "campaign_sends",
        "csv",
        (
            "campaign_id",
            "variant",
            "recipient_mobile",
            "recipient_unionid",
            "sent_at",
            "opened_at",
            "clicked_at",
        ),
        ("campaign_id", "sent_at"),
        "One row per message sent to a recipient",
    ),
    Export(
        "privacy",
        "consents",
        "csv",
        ("identifier_type", "identifier_value", "channel", "status", "recorded_at"),
        ("identifier_type", "identifier_value", "channel", "recorded_at"),
        "Consent grants and withdrawals per identifier and channel",
    ),
    Export(
        "privacy",
        "erasure_requests",
        "csv",
        ("request_id", "identifier_type", "identifier_value", "requested_at"),
        ("request_id",),
        "Right-to-erasure requests",
    ),
    Export(
        "service",
        "nps_responses",
        "csv",
        ("response_id", "mobile", "unionid", "score", "responded_at", "touchpoint"),
        ("response_id",),
        "Net promoter score survey responses",
    ),
)

EXPORTS_BY_NAME: dict[str, Export] = {e.name: e for e in EXPORTS}

#: Orders exports: at least one of them must hold a file.
ORDER_EXPORTS: tuple[str, ...] = ("pos__orders", "mall__orders")

#: Lineage columns that ingestion adds to every raw table.
LINEAGE_COLUMNS: tuple[str, ...] = (
    "_source_file",
    "_source_line",
    "_file_id",
    "_load_id",
    "_loaded_at",
)
