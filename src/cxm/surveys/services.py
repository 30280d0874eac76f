"""Use cases of the survey store."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import Max

from cxm.core.exceptions import ApplicationError

from .models import Questionnaire


@transaction.atomic
def questionnaire_import(*, code: str, source: str | Path) -> Questionnaire:
    """Store a questionnaire YAML (text or file) as the next version of ``code``.

    The definition is validated by :func:`cxm.analytics.questionnaire.parse_questionnaire`
    first; an invalid one raises :class:`ApplicationError` naming the offending key.
    """
    from cxm.analytics.questionnaire import parse_questionnaire

    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    try:
        raw = yaml.safe_load(text)
        parse_questionnaire(raw)
    except (yaml.YAMLError, ValueError) as exc:
        raise ApplicationError(str(exc)) from None
    title = raw.get("title") or {}
    if isinstance(title, str):
        title = {"ko": title, "en": title}
    version = (Questionnaire.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0) + 1
    return Questionnaire.objects.create(code=code, version=version, title_ko=title.get("ko") or code,
                                        title_en=title.get("en", ""), definition=raw)


def questionnaire_export(questionnaire: Questionnaire) -> str:
    """The questionnaire as YAML (Korean kept readable), ready to edit and import again."""
    return yaml.safe_dump(questionnaire.definition, allow_unicode=True, sort_keys=False)
