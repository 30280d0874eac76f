"""Template tags for the pieces that pages share.

``{% data_table %}`` draws every data table of the shell (wrapper, head, body) and, like
``{% for %}``, takes an ``{% empty %}`` branch drawn instead of the table when there are no rows::

    {% data_table page.object_list as t testid="transaction-table" numeric=1 _("Date") _("Amount") %}
      <tr><td>{{ t.occurred_on|shortdate }}</td><td class="num">{{ t.amount|money }}</td></tr>
    {% empty %}
      {% include "web/includes/empty.html" with icon="transactions" message=_("No transactions.") only %}
    {% end_data_table %}
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList
from django.template.context import Context
from django.utils.safestring import mark_safe

register = template.Library()

TABLE_TEMPLATE = "web/includes/data_table.html"


class DataTableNode(template.Node):
    def __init__(self, rows: FilterExpression, name: str, labels: list[FilterExpression],
                 options: dict[str, FilterExpression], row_nodes: NodeList, empty_nodes: NodeList):
        self.rows, self.name, self.labels, self.options = rows, name, labels, options
        self.row_nodes, self.empty_nodes = row_nodes, empty_nodes

    def render(self, context: Context) -> str:
        rows = self.rows.resolve(context) or []
        if not rows:
            return self.empty_nodes.render(context)
        options = {key: value.resolve(context) for key, value in self.options.items()}
        labels = [label.resolve(context) for label in self.labels]
        first_numeric = len(labels) - int(options.get("numeric") or 0)
        with context.push():
            body = []
            for row in rows:
                context[self.name] = row
                body.append(self.row_nodes.render(context))
        table = context.template.engine.get_template(TABLE_TEMPLATE)
        return table.render(Context({
            "testid": options.get("testid"),
            # The last ``numeric`` columns hold numbers: right-aligned like their cells.
            "columns": [(label, i >= first_numeric) for i, label in enumerate(labels)],
            "body": mark_safe("".join(body)),  # already rendered (and escaped) by the row template
        }, autoescape=context.autoescape))


@register.tag
def data_table(parser, token) -> DataTableNode:
    """``{% data_table rows as row [testid="…"] [numeric=N] label… %}…{% empty %}…{% end_data_table %}``.

    The labels are the column headers in order (``_("…")`` translates them); ``numeric`` is how
    many of the last columns hold numbers; the tag's body is one ``<tr>`` for ``row``.
    """
    bits = token.split_contents()
    if len(bits) < 5 or bits[2] != "as":
        raise template.TemplateSyntaxError(f"{bits[0]} needs: rows as name, then the column labels")
    labels: list[FilterExpression] = []
    options: dict[str, FilterExpression] = {}
    for bit in bits[4:]:
        key, sep, value = bit.partition("=")
        if sep and key in {"testid", "numeric"}:
            options[key] = parser.compile_filter(value)
        else:
            labels.append(parser.compile_filter(bit))
    row_nodes = parser.parse(("empty", "end_data_table"))
    empty_nodes = NodeList()
    if parser.next_token().contents == "empty":
        empty_nodes = parser.parse(("end_data_table",))
        parser.delete_first_token()
    return DataTableNode(parser.compile_filter(bits[1]), bits[3], labels, options, row_nodes, empty_nodes)
