"""Terms written so that no index matches them: another, more selective term then leads the plan."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import Integer, String, func, literal_column

from db.models import Contact


def unindexed(expr):
    """The same value in a form that no index matches (the term then cannot lead the plan)."""
    if isinstance(expr.type, Integer):
        return expr + 0
    if isinstance(expr.type, String):
        return expr.concat(literal_column("''"))
    return func.coalesce(expr, expr)


# The contact's scope columns unindexed, for db.scope.apply_scope(contact=...): the Liste's walk along
# a sort index, or a selective search text, leads instead of every contact of the Land or KV.
UNINDEXED_CONTACT = SimpleNamespace(
    id=unindexed(Contact.id), kv_id=unindexed(Contact.kv_id), land_code=unindexed(Contact.land_code)
)
