"""Short amount ticks on the dashboard chart and translated names of customer segment codes."""

from __future__ import annotations

from django.utils import translation

from cxm.customers.segments import segment_label
from cxm.web import charts


def test_money_axis_ticks_are_round_steps_covering_the_top_value():
    axis = charts.compact_money_axis(923_000_000, "₩")
    assert axis["tickvals"] == [0, 200_000_000, 400_000_000, 600_000_000, 800_000_000, 1_000_000_000]


def test_money_axis_labels_use_korean_units_in_korean():
    with translation.override("ko"):
        axis = charts.compact_money_axis(923_000_000, "₩")
    assert axis["ticktext"] == ["₩0", "₩2억", "₩4억", "₩6억", "₩8억", "₩10억"]


def test_money_axis_labels_use_thousand_units_in_english():
    with translation.override("en"):
        axis = charts.compact_money_axis(45_000, "₩")
    assert axis["ticktext"] == ["₩0", "₩10K", "₩20K", "₩30K", "₩40K", "₩50K"]


def test_money_axis_without_amounts_keeps_plain_ticks():
    assert charts.compact_money_axis(0, "₩") == {"tickprefix": "₩", "tickformat": ","}


def test_named_segment_code_shows_its_translated_name():
    with translation.override("en"):
        assert segment_label("b2b_key") == "Key business account"


def test_unnamed_segment_code_shows_the_code_and_empty_shows_a_dash():
    assert segment_label("vip-2024") == "vip-2024"
    assert segment_label("") == "–"


def test_csi_breakdown_by_segment_names_the_segment_codes():
    from cxm.surveys.views_results import _group_names

    with translation.override("en"):
        assert _group_names("segment")["family"] == "Family household"


def test_attribute_keys_get_names_and_unknown_keys_stay_as_they_are():
    from cxm.customers.segments import attribute_label

    with translation.override("en"):
        assert attribute_label("household_size") == "Household size"
    assert attribute_label("loyalty_tier") == "loyalty_tier"


def test_template_filters_name_segments_and_attributes():
    from django.template import Context, Template

    template = Template("{% load cxm_format %}{{ s|customer_segment }} / {{ k|customer_attribute }}")
    with translation.override("en"):
        assert template.render(Context({"s": "senior", "k": "employees"})) == "Senior / Employees"
