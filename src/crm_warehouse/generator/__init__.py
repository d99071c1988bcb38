"""Sample channel exports of a mother-and-baby retail chain, in the input contract's format.

``generate(out_dir, members, seed)`` writes every export of
``shared/contract/channel-exports.md`` (monthly files, realistic mess included) plus a
``_truth/`` folder saying which person is behind each record and order.

Modules, in the order the data flows:

- ``clock``: time tables, export time formats, seasonality;
- ``ids``, ``names``: identifiers, names, nicknames, emails;
- ``catalog``, ``campaigns``: stores, guides, products; the campaign calendar;
- ``people``: persons, their POS member cards and mall accounts;
- ``orders``, ``behavior``: purchases, POS and mall orders, browsing events;
- ``community``: WeCom contacts and group events;
- ``marketing``: campaign sends and the purchases they cause;
- ``privacy``, ``service``: consents, erasure requests, NPS responses;
- ``mess``: how values are spoilt; ``writers``: files, encodings, malformed lines;
- ``context``: the run's shared ``World`` and the per-chunk ``Chunk`` (random streams,
  buffers);
- ``runner``: ``generate``, chunks and worker processes.
"""

from .runner import GenerateResult, generate

__all__ = ["GenerateResult", "generate"]
