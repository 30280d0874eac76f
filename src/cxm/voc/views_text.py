"""The text-mining page: keywords per sub-unit (or against the previous period), topics with
example texts, topic trends and the topic-satisfaction link, for the picked unit and period."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cxm.org.models import localized
from cxm.web.scope import current_scope

from . import charts_insights as charts
from .selectors_text import SOURCES, TextScope, text_insights, text_insights_cached

DEFAULT_TOPICS = 8


def parse_source(value: str | None) -> str:
    return value if value in SOURCES else "all"


def parse_topics(value: str | None) -> int:
    try:
        k = int(value or DEFAULT_TOPICS)
    except ValueError:
        return DEFAULT_TOPICS
    return min(max(k, 2), 12)


def source_labels() -> list[tuple[str, str]]:
    return [("all", _("Cases and survey comments")), ("cases", _("Case texts")), ("comments", _("Survey comments"))]


def group_name(group: dict, contrast: str) -> str:
    if contrast == "periods":
        return _("This period") if group["code"] == "current" else _("Previous period")
    return localized(group["name_ko"], group["name_en"]) or group["code"]


@login_required
def text_mining_page(request: HttpRequest) -> HttpResponse:
    """The page; when the result is not cached yet, the page comes at once with a placeholder
    that htmx fills (the first fit of a unit and period takes seconds), or, without
    JavaScript, a link with ``wait=1`` that waits for it."""
    scope = current_scope(request)
    source = parse_source(request.GET.get("source"))
    k = parse_topics(request.GET.get("k"))
    text_scope = TextScope(user=request.user, unit_code=scope.unit_code, start=scope.start, end=scope.end,
                           source=source, k=k)
    context = {"source": source, "sources": source_labels(), "k": k, "topic_choices": range(2, 13)}
    result = text_insights_cached(text_scope)
    if result is None and not request.htmx and request.GET.get("wait") != "1":
        query = request.GET.copy()
        query["wait"] = "1"
        return render(request, "voc/insights/text.html", {**context, "r": None,
                                                          "wait_url": f"{request.path}?{query.urlencode()}"})
    if result is None:
        result = text_insights(text_scope)
    keywords = result["keywords"]
    groups = [{**g, "name": group_name(g, keywords["contrast"])} for g in keywords["groups"]]
    picked = next((g for g in groups if g["code"] == request.GET.get("group")), groups[0] if groups else None)
    context.update({
        "r": result, "groups": groups, "group": picked, "contrast": keywords["contrast"],
        "method": keywords["method"],
        "keyword_chart": charts.keyword_figure(picked["terms"], method=keywords["method"]) if picked else None,
        "trend_chart": charts.topic_trend_figure(result["trend"], every=result["every"]),
    })
    template = "voc/insights/_text_results.html" if request.htmx else "voc/insights/text.html"
    return render(request, template, context)
