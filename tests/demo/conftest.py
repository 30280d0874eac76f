"""The default demo company (seed 42, 20,000 customers), generated once for the session."""

from __future__ import annotations

import pytest

from cxm.demo.generator import DemoData, DemoSpec, generate


@pytest.fixture(scope="session")
def demo_data() -> DemoData:
    return generate(DemoSpec(seed=42, n_customers=20_000))
