"""Model specification of a PLS path model: constructs, their indicators and the paths.

A model file (YAML) looks like::

    constructs:
      Image: [IMAG1, IMAG2, IMAG3]
      Value: {mode: B, indicators: [PERV1, PERV2]}
      Satisfaction: [CUSA1, CUSA2, CUSA3]
    paths:
      - Image -> Satisfaction
      - Value -> Satisfaction
    scale: [1, 10]            # optional: item scale bounds for the 0-100 index
    # scale: {IMAG1: [1, 10], CUSA1: [1, 5], ...}   # or per indicator

Mode A (reflective, correlation weights) is the default; mode B (formative,
regression weights) is asked for per construct.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Construct", "ModelSpec", "find_cycle", "load_model", "load_preset", "PRESETS"]

#: Names of the bundled preset model files (``presets/<name>.yaml``).
PRESETS = ("acsi", "ecsi", "kcsi")


@dataclass(frozen=True)
class Construct:
    """One latent variable: its name, indicator columns and outer mode ("A" or "B")."""

    name: str
    indicators: tuple[str, ...]
    mode: str = "A"


@dataclass(frozen=True)
class ModelSpec:
    """A validated PLS path model.

    Parameters
    ----------
    constructs : tuple of Construct
        In model order (the order of the outputs).
    paths : tuple of (source, target)
        Structural relations; they must form a directed acyclic graph.
    scale : dict
        Item scale bounds ``{indicator: (min, max)}`` for the 0-100 index; indicators
        not listed use ``default_scale``.
    default_scale : (float, float)
        Bounds for unlisted indicators (1..10, the ACSI/ECSI answer scale).
    """

    constructs: tuple[Construct, ...]
    paths: tuple[tuple[str, str], ...]
    scale: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    default_scale: tuple[float, float] = (1.0, 10.0)

    def __post_init__(self) -> None:
        names = [c.name for c in self.constructs]
        if not names:
            raise ValueError("the model has no constructs")
        seen_names: set[str] = set()
        for name in names:
            if name in seen_names:
                raise ValueError(f"construct {name!r} is defined twice")
            seen_names.add(name)
        owner: dict[str, str] = {}
        for c in self.constructs:
            if c.mode not in ("A", "B"):
                raise ValueError(f"construct {c.name!r}: mode must be 'A' or 'B', got {c.mode!r}")
            if len(c.indicators) == 0:
                raise ValueError(f"construct {c.name!r} has no indicators")
            for ind in c.indicators:
                if ind in owner:
                    raise ValueError(
                        f"indicator {ind!r} is used twice (in {owner[ind]!r} and {c.name!r})"
                    )
                owner[ind] = c.name
        for src, tgt in self.paths:
            for end in (src, tgt):
                if end not in seen_names:
                    raise ValueError(f"path {src} -> {tgt}: unknown construct {end!r}")
            if src == tgt:
                raise ValueError(f"path {src} -> {tgt} is a self-loop; the model must be a DAG")
        if len(set(self.paths)) != len(self.paths):
            raise ValueError("a path is listed twice")
        cycle = find_cycle(names, self.paths)
        if cycle:
            raise ValueError("the structural model is not a DAG: cycle " + " -> ".join(cycle))
        connected = {n for p in self.paths for n in p}
        lonely = [n for n in names if n not in connected]
        if lonely:
            raise ValueError(f"construct {lonely[0]!r} is in no path")
        for ind, (lo, hi) in self.scale.items():
            if ind not in owner:
                raise ValueError(f"scale given for unknown indicator {ind!r}")
            if not hi > lo:
                raise ValueError(f"scale of {ind!r}: max must exceed min, got ({lo}, {hi})")
        lo, hi = self.default_scale
        if not hi > lo:
            raise ValueError(f"default scale: max must exceed min, got ({lo}, {hi})")

    # -- derived structure ---------------------------------------------------
    @cached_property
    def structure(self) -> Any:
        """Index arrays for the estimator (built once per model; ``_core.Structure``)."""
        from cxm.analytics.pls._core import Structure

        return Structure.build(self.block_index(), self.adjacency(), [c.mode for c in self.constructs])

    # The derived lists and arrays are cached (the spec is frozen): a single fit is
    # dominated by per-call overhead, and these are asked for on every fit.
    @cached_property
    def names(self) -> list[str]:
        return [c.name for c in self.constructs]

    @cached_property
    def indicators(self) -> list[str]:
        """All indicator columns, block by block."""
        return [i for c in self.constructs for i in c.indicators]

    def block_index(self) -> np.ndarray:
        """Construct position of every indicator (length p)."""
        return np.array([j for j, c in enumerate(self.constructs) for _ in c.indicators])

    def adjacency(self) -> np.ndarray:
        """k x k 0/1 matrix with ``A[source, target] = 1``."""
        pos = {n: j for j, n in enumerate(self.names)}
        a = np.zeros((len(pos), len(pos)))
        for src, tgt in self.paths:
            a[pos[src], pos[tgt]] = 1.0
        return a

    def bounds(self) -> np.ndarray:
        """p x 2 array of item scale bounds (min, max) (read-only, computed once)."""
        return self._bounds

    @cached_property
    def _bounds(self) -> np.ndarray:
        out = np.array([self.scale.get(i, self.default_scale) for i in self.indicators], float)
        out.flags.writeable = False
        return out

    # -- construction ---------------------------------------------------------
    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> ModelSpec:
        """Build from the parsed model file (see the module docstring for the shape)."""
        if not isinstance(spec, Mapping):
            raise ValueError(f"a model must be a mapping with 'constructs' and 'paths', got {spec!r}")
        raw_constructs = spec.get("constructs")
        if not isinstance(raw_constructs, Mapping) or not raw_constructs:
            raise ValueError("the model needs a non-empty 'constructs:' mapping")
        constructs = []
        for name, body in raw_constructs.items():
            mode = "A"
            items: Any = body
            if isinstance(body, Mapping):
                mode = str(body.get("mode", "A")).upper()
                items = body.get("indicators")
            if items is None:
                items = []
            if isinstance(items, str) or not isinstance(items, Sequence):
                raise ValueError(f"construct {name!r}: indicators must be a list, got {items!r}")
            constructs.append(Construct(str(name), tuple(str(i) for i in items), mode))
        raw_paths = spec.get("paths")
        if not isinstance(raw_paths, Sequence) or isinstance(raw_paths, str) or not raw_paths:
            raise ValueError("the model needs a non-empty 'paths:' list of 'Source -> Target'")
        paths = []
        for p in raw_paths:
            parts = [s.strip() for s in str(p).split("->")]
            if len(parts) != 2 or not all(parts):
                raise ValueError(f"path {p!r} is not of the form 'Source -> Target'")
            paths.append((parts[0], parts[1]))
        default_scale = (1.0, 10.0)
        scale: dict[str, tuple[float, float]] = {}
        raw_scale = spec.get("scale")
        if isinstance(raw_scale, Mapping):
            for ind, b in raw_scale.items():
                scale[str(ind)] = _bounds(b, str(ind))
        elif raw_scale is not None:
            default_scale = _bounds(raw_scale, "scale")
        return cls(tuple(constructs), tuple(paths), scale, default_scale)

    def with_scale(self, bounds: tuple[float, float] | Mapping[str, tuple[float, float]]) -> ModelSpec:
        """The same model with new item scale bounds.

        ``bounds`` is ``(min, max)`` for every indicator, or ``{indicator: (min, max)}``
        overriding the model's bounds of the indicators listed.
        """
        if isinstance(bounds, Mapping):
            scale = dict(self.scale)
            scale.update({str(k): _bounds(v, str(k)) for k, v in bounds.items()})
            return ModelSpec(self.constructs, self.paths, scale, self.default_scale)
        return ModelSpec(self.constructs, self.paths, {}, _bounds(bounds, "scale"))

    def check_columns(self, columns: Sequence[str]) -> None:
        """Raise ValueError naming the first indicator that the data lacks."""
        have = set(columns)
        missing = [i for i in self.indicators if i not in have]
        if missing:
            raise ValueError(f"indicator column(s) not in the data: {', '.join(missing)}")


def _bounds(value: Any, what: str) -> tuple[float, float]:
    if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 2:
        raise ValueError(f"{what}: scale bounds must be [min, max], got {value!r}")
    lo, hi = float(value[0]), float(value[1])
    if not hi > lo:
        raise ValueError(f"{what}: max must exceed min, got [{lo}, {hi}]")
    return (lo, hi)


def find_cycle(names: list[str], paths: Sequence[tuple[str, str]]) -> list[str]:
    """A cycle as a list of names (first repeated at the end), or [] for a DAG."""
    succ: dict[str, list[str]] = {n: [] for n in names}
    for s, t in paths:
        succ[s].append(t)
    state = dict.fromkeys(names, 0)  # 0 new, 1 on stack, 2 done
    stack: list[str] = []

    def visit(n: str) -> list[str]:
        state[n] = 1
        stack.append(n)
        for m in succ[n]:
            if state[m] == 1:
                return stack[stack.index(m):] + [m]
            if state[m] == 0:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return []

    for n in names:
        if state[n] == 0:
            found = visit(n)
            if found:
                return found
    return []


def load_model(path: str | Path) -> ModelSpec:
    """Read and validate a YAML model file."""
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read model file {str(path)!r}: {exc}") from exc
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"model file {str(path)!r} is not valid YAML: {exc}") from exc
    return ModelSpec.from_dict(spec)


def load_preset(name: str) -> ModelSpec:
    """One of the bundled models: ``"acsi"``, ``"ecsi"`` or ``"kcsi"``."""
    if name.lower() not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    return load_model(preset_path(name))


def preset_path(name: str) -> Path:
    """File path of a bundled preset (copy it to edit your own model)."""
    return Path(__file__).with_name("presets") / f"{name.lower()}.yaml"
