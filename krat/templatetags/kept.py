"""`{% kept "name" a b %}…{% endkept %}`: a fragment of a page kept until the data changes.

The fragment is rendered once for each value of the variables named after it (and the
language and day, see `krat.freshness.fresh`), then served as rendered until the next
committed write. Whatever the fragment shows must follow from those variables: never
put inside it what depends on who reads (their links and buttons) or on the request
(a form's values, the query string), unless a variable names it.
"""

from __future__ import annotations

from django import template

from krat.freshness import fresh, key_part

register = template.Library()


class KeptNode(template.Node):
    def __init__(self, name: str, variables: list[template.base.FilterExpression], nodelist) -> None:
        self.name, self.variables, self.nodelist = name, variables, nodelist

    def render(self, context) -> str:
        parts = ["fragment", self.name, *(key_part(v.resolve(context)) for v in self.variables)]
        return fresh(parts, lambda: self.nodelist.render(context))


@register.tag("kept")
def kept(parser, token) -> KeptNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError('{% kept %} needs a quoted name: {% kept "name" var … %}')
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
