"""The questionnaire shape of a CSI survey, parsed from YAML into frozen dataclasses.

The accepted shape (domain.md 2.1; issue 4)::

    scale: [1, 5]                 # default item scale: min, max
    elements:
      - code: A
        label: {ko: 상품, en: Product}
        expectation: {code: A_EXP}   # optional expectation rating of the element
        items:
          - {code: A11, label: {ko: ..., en: ...}}
          - {code: A12, scale: [1, 7], weight: 2}   # per-item scale and weight
    overall: {code: OVR, scale: [1, 7]}
    loyalty:
      retention: {code: RET}
      recommend: {code: REC, scale: [0, 10]}
    competitor: {prefix: "COMP_"}  # optional: competitor ratings of the same items

Every item takes the default ``scale`` unless it names its own; ``weight`` (default 1)
weights the item inside its element's score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Item", "Element", "Questionnaire", "parse_questionnaire", "load_questionnaire"]


@dataclass(frozen=True)
class Item:
    """One rated question: its column code, scale (min, max), weight and labels."""

    code: str
    scale: tuple[float, float]
    weight: float = 1.0
    label: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Element:
    """A first-level element (요소) with its items and an optional expectation item."""

    code: str
    items: tuple[Item, ...]
    label: dict[str, str] = field(default_factory=dict)
    expectation: Item | None = None


@dataclass(frozen=True)
class Questionnaire:
    """A parsed questionnaire.

    Attributes
    ----------
    scale : default item scale (min, max).
    elements : the elements in order.
    overall : the overall satisfaction item.
    retention, recommend : loyalty items, or None.
    competitor_prefix : column prefix of competitor ratings, or None when no competitor block.
    """

    scale: tuple[float, float]
    elements: tuple[Element, ...]
    overall: Item
    retention: Item | None = None
    recommend: Item | None = None
    competitor_prefix: str | None = None

    @property
    def items(self) -> tuple[Item, ...]:
        """Every rated item (element items, expectation, overall, loyalty), each once."""
        out: list[Item] = []
        for element in self.elements:
            out.extend(element.items)
            if element.expectation is not None:
                out.append(element.expectation)
        out.append(self.overall)
        out.extend(i for i in (self.retention, self.recommend) if i is not None)
        return tuple(out)

    def competitor_items(self) -> tuple[Item, ...]:
        """Competitor columns (prefix + code) of element items and overall; empty without a block."""
        if self.competitor_prefix is None:
            return ()
        own = [i for e in self.elements for i in e.items] + [self.overall]
        return tuple(Item(self.competitor_prefix + i.code, i.scale, i.weight, i.label) for i in own)


def _scale(value: Any, where: str) -> tuple[float, float]:
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        raise ValueError(f"{where}: scale must be [min, max] numbers, got {value!r}")
    lo, hi = float(value[0]), float(value[1])
    if not lo < hi:
        raise ValueError(f"{where}: scale min must be below max, got {value!r}")
    return lo, hi


def _label(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"en": value}
    if not isinstance(value, dict):
        raise ValueError(f"{where}.label: expected a mapping like {{ko: ..., en: ...}}, got {value!r}")
    return {str(k): str(v) for k, v in value.items()}


def _item(raw: Any, where: str, default_scale: tuple[float, float]) -> Item:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a mapping with 'code', got {raw!r}")
    unknown = set(raw) - {"code", "scale", "weight", "label"}
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {sorted(unknown)}")
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"{where}.code: a non-empty text code is required, got {code!r}")
    scale = _scale(raw["scale"], f"{where}.scale") if "scale" in raw else default_scale
    weight = raw.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight > 0:
        raise ValueError(f"{where}.weight: must be a positive number, got {weight!r}")
    return Item(code.strip(), scale, float(weight), _label(raw.get("label"), where))


def parse_questionnaire(raw: Any) -> Questionnaire:
    """Validate a questionnaire mapping (as loaded from YAML).

    Raises
    ------
    ValueError
        Naming the offending key (e.g. ``elements[1].items[0].scale``) and value.
    """
    if not isinstance(raw, dict):
        raise ValueError(f"questionnaire: expected a mapping at the top level, got {type(raw).__name__}")
    unknown = set(raw) - {"scale", "elements", "overall", "loyalty", "competitor", "title", "version"}
    if unknown:
        raise ValueError(f"questionnaire: unknown key(s) {sorted(unknown)}")
    default = _scale(raw["scale"], "scale") if "scale" in raw else (1.0, 5.0)
    raw_elements = raw.get("elements")
    if not isinstance(raw_elements, list) or not raw_elements:
        raise ValueError(f"elements: a non-empty list of elements is required, got {raw_elements!r}")
    elements = []
    for k, e in enumerate(raw_elements):
        where = f"elements[{k}]"
        if not isinstance(e, dict):
            raise ValueError(f"{where}: expected a mapping, got {e!r}")
        unknown = set(e) - {"code", "label", "items", "expectation"}
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {sorted(unknown)}")
        code = e.get("code")
        if not isinstance(code, str) or not code.strip():
            raise ValueError(f"{where}.code: a non-empty text code is required, got {code!r}")
        items = e.get("items")
        if not isinstance(items, list) or not items:
            raise ValueError(f"{where}.items: a non-empty list of items is required, got {items!r}")
        parsed = tuple(_item(i, f"{where}.items[{j}]", default) for j, i in enumerate(items))
        expectation = _item(e["expectation"], f"{where}.expectation", default) if e.get("expectation") else None
        elements.append(Element(code.strip(), parsed, _label(e.get("label"), where), expectation))
    if "overall" not in raw:
        raise ValueError("overall: the overall satisfaction item is required")
    overall = _item(raw["overall"], "overall", default)
    loyalty = raw.get("loyalty") or {}
    if not isinstance(loyalty, dict) or set(loyalty) - {"retention", "recommend"}:
        raise ValueError(f"loyalty: expected a mapping with 'retention' and/or 'recommend', got {loyalty!r}")
    retention = _item(loyalty["retention"], "loyalty.retention", default) if loyalty.get("retention") else None
    recommend = _item(loyalty["recommend"], "loyalty.recommend", default) if loyalty.get("recommend") else None
    prefix = None
    if raw.get("competitor") is not None:
        comp = raw["competitor"]
        if not isinstance(comp, dict) or not isinstance(comp.get("prefix"), str) or not comp["prefix"]:
            raise ValueError(f"competitor.prefix: a non-empty text prefix is required, got {comp!r}")
        prefix = comp["prefix"]
    q = Questionnaire(default, tuple(elements), overall, retention, recommend, prefix)
    item_codes = [i.code for i in q.items]
    dupes = sorted({c for c in item_codes if item_codes.count(c) > 1})
    if dupes:
        raise ValueError(f"code: item codes must be unique, repeated {dupes}")
    element_codes = [e.code for e in q.elements]
    if len(set(element_codes)) != len(element_codes):
        raise ValueError(f"elements.code: element codes must be unique, got {element_codes}")
    return q


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate a questionnaire YAML file (PyYAML ``safe_load``)."""
    import yaml

    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from None
    return parse_questionnaire(raw)
