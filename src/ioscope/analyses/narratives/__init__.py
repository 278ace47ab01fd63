"""Narratives: discover what state actors push, match it to the analyst's catalog, and track it by
actor, country, overt/covert and day, in any language.

Modules, one responsibility each: :mod:`.discovery` (reduce + cluster embeddings),
:mod:`.labels` (c-TF-IDF terms with script-aware tokens, central posts), :mod:`.catalog` (the YAML
catalog and calibrated assignment), :mod:`.identity` (stable ids across runs),
:mod:`.tracking` (volume, first movers, accounts, contradictions; SQL), :mod:`.analysis` (the
:class:`Narratives` analysis). Embeddings come from :mod:`ioscope.embeddings`.
"""

from ioscope.analyses.narratives.analysis import Narratives
from ioscope.analyses.narratives.catalog import CatalogNarrative, load_catalog

__all__ = ["CatalogNarrative", "Narratives", "load_catalog"]
