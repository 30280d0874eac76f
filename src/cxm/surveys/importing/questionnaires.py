"""Uploading a questionnaire YAML: validated with the line of every problem, stored as a new version.

The definition is checked by :func:`cxm.analytics.questionnaire.parse_questionnaire`, which
names the offending key as a path (``elements[1].items[0].scale``); this module finds that
path in the YAML text to say on which line it is. Storing is
:func:`cxm.surveys.services.questionnaire_import` (the next version of the code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from django.utils.translation import gettext as _

from cxm.core.audit import acting_as
from cxm.core.exceptions import AccessDenied, ApplicationError
from cxm.org.access import can_administer_surveys
from cxm.surveys.models import Questionnaire

_PATH_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_PATH = re.compile(r"^([A-Za-z_][\w.\[\]]*): ")


@dataclass(frozen=True)
class QuestionnaireProblem:
    """What is wrong with an uploaded questionnaire, and where.

    Attributes
    ----------
    detail : str
        The problem as the parser states it.
    path : str or None
        The key path of the problem (``elements[0].items[1].scale``), when known.
    line, column : int or None
        1-based position in the YAML text, when known.
    """

    detail: str
    path: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        values = {"line": self.line, "path": self.path, "column": self.column, "detail": self.detail}
        if self.line is None:
            return f"{self.path}: {self.detail}" if self.path else self.detail
        if self.path:
            return _("Line %(line)s, at %(path)s: %(detail)s") % values
        if self.column is not None:
            return _("Line %(line)s, column %(column)s: %(detail)s") % values
        return _("Line %(line)s: %(detail)s") % values


class QuestionnaireInvalid(ApplicationError):
    """The uploaded questionnaire was refused; nothing was stored."""

    def __init__(self, problem: QuestionnaireProblem):
        super().__init__(str(problem), {"path": problem.path, "line": problem.line, "column": problem.column})
        self.problem = problem


def questionnaire_check(text: str) -> dict:
    """Parse and validate questionnaire YAML text; return the definition.

    Raises
    ------
    QuestionnaireInvalid
        With the line (and key path) of the first problem: a YAML syntax error, or a
        definition that :func:`~cxm.analytics.questionnaire.parse_questionnaire` refuses.
    """
    from cxm.analytics.questionnaire import parse_questionnaire

    try:
        raw = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(p for p in (exc.context, exc.problem) if p) or type(exc).__name__
        raise QuestionnaireInvalid(QuestionnaireProblem(
            detail=_("not valid YAML: %(detail)s") % {"detail": detail},
            line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None)) from None
    except yaml.YAMLError as exc:
        raise QuestionnaireInvalid(QuestionnaireProblem(detail=str(exc))) from None
    try:
        parse_questionnaire(raw)
    except ValueError as exc:
        message = str(exc)
        match = _PATH.match(message)
        path = match.group(1) if match else None
        detail = message[match.end():] if match else message
        unknown = re.match(r"unknown key\(s\) \['([^']+)'", detail)
        if path and unknown:  # point at the first unknown key itself
            path = path + "." + unknown.group(1) if path != "questionnaire" else unknown.group(1)
        line = locate(text, path) if path else None
        if line is None and path in {"code", "elements.code"}:
            line = _repeated_code_line(text, detail)
        raise QuestionnaireInvalid(QuestionnaireProblem(detail=detail, path=path, line=line)) from None
    return raw


def locate(text: str, path: str) -> int | None:
    """The 1-based line of the key ``path`` (``elements[1].items[0].scale``) in YAML ``text``.

    Goes as deep as the path exists: for a key that is missing, the line of its parent; None
    when not even the first step exists (a missing top-level key).
    """
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for name, index in _PATH_STEP.findall(path):
        if isinstance(node, yaml.MappingNode) and name:
            found = next(((k, v) for k, v in node.value if getattr(k, "value", None) == name), None)
            if found is None:
                return line
            key, node = found
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and index and int(index) < len(node.value):
            node = node.value[int(index)]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _repeated_code_line(text: str, detail: str) -> int | None:
    """For "item codes must be unique, repeated ['A11']": the line of the second ``A11`` code."""
    repeated = re.findall(r"'([^']+)'", detail)
    if not repeated:
        return None
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return None
    codes: list[tuple[int, str]] = []
    stack = [root]
    while stack:  # walks the (small) questionnaire tree, not data
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == "code" and isinstance(value, yaml.ScalarNode) and value.value in repeated:
                    codes.append((value.start_mark.line + 1, value.value))
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    seen: set[str] = set()
    for line, code in sorted(codes):
        if code in seen:
            return line
        seen.add(code)
    return None


def questionnaire_upload(*, user, code: str, text: str | bytes) -> Questionnaire:
    """Store an uploaded questionnaire YAML as the next version of ``code``.

    Parameters
    ----------
    user : User
        Needs :func:`cxm.org.access.can_administer_surveys`.
    code : str
        The questionnaire's code (a slug); an existing code gets a new version.
    text : str or bytes
        The YAML (bytes are read as UTF-8, with or without BOM).

    Raises
    ------
    AccessDenied
        If ``user`` may not administer surveys.
    QuestionnaireInvalid
        With the line and key of the problem; nothing was stored.
    """
    from cxm.surveys.services import questionnaire_import

    if not can_administer_surveys(user):
        raise AccessDenied(_("You may not change questionnaires."))
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = text.count(b"\n", 0, exc.start) + 1
            raise QuestionnaireInvalid(QuestionnaireProblem(
                detail=_("not UTF-8 text: save the file as UTF-8."), line=line, column=None)) from None
    questionnaire_check(text)
    with acting_as(user):
        return questionnaire_import(code=code, source=text)
