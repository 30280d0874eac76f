"""The known truth planted in the demo company, so that analytics can be checked against it.

The generator (:mod:`cxm.demo.generator`) reads every number below from here; nothing is
planted anywhere else. Tests in ``tests/demo`` check that each effect is visible in the
generated data, and later analytics tests can check that a model *finds* it.

Window and units
----------------
Transactions run from :data:`START` (2024-11-01) to :data:`END` (2026-10-31), 730 days.
The buying-process parameters are in **weeks**: ``lambda`` is purchases per week and
``alpha`` is in weeks (the generator works in days with ``lambda_day = lambda_week / 7``,
i.e. ``alpha_days = 7 * alpha``). The dropout probability ``p`` has no unit. Money is
integer KRW.

Buying process (BG/NBD, Fader, Hardie & Lee 2005)
-------------------------------------------------
Each customer's first purchase is on ``joined_on``. While alive, repeat purchases arrive
as a Poisson process with rate ``lambda ~ Gamma(r, alpha)``, thinned by the seasonal
profile (:func:`cxm.demo.generator.seasonality`, normalised to mean 1 over the window, so
``lambda`` stays the average rate); after each repeat purchase the customer drops out
with probability ``p ~ Beta(a, b)``. :data:`BGNBD` holds ``(r, alpha, a, b)`` for the
**truth population**: person customers whose home branch is not :data:`CHURN_BRANCH`.
Companies and the churn branch deviate on purpose (below). Seasonality makes the process
inhomogeneous, so a homogeneous BG/NBD fit recovers the truth only approximately: on
20,000 customers typically within 5 %, at most 13 % (``b``, the least precise) over
eight seeds; the test allows 20 %.

Spend per transaction (Gamma-Gamma, Fader, Hardie & Lee 2005 note; Colombo & Jiang 1999)
----------------------------------------------------------------------------------------
Each transaction's intended spend is ``z ~ Gamma(p, nu)`` with ``nu ~ Gamma(q, gamma)``
per customer (shape/rate), mean ``p * gamma / (q - 1)`` KRW. The basket is then built from
whole products near that value, so a transaction's realised ``amount`` follows ``z`` only
approximately (the mean within a few per cent). :data:`GAMMA_GAMMA` holds the person
truth; companies spend :data:`COMPANY_SPEND_MULTIPLIER` times more.

Planted effects
---------------

====  ===========================================  ===================================================
Code  Effect                                       Where it is set
====  ===========================================  ===================================================
(a)   Honam (region ``HNM``) delivers slowly:      :data:`SLOW_DELIVERY_REGION`,
      mean delivery 3.6 days vs about 1.5-1.9      :data:`DELIVERY_DAYS` (fixed + Poisson extra);
      elsewhere; later survey waves should score   :data:`SLOW_DELIVERY_SATISFACTION_SHIFT` is the
      delivery satisfaction lower there.           shift for the survey step to apply.
(b)   Large B2B ("key account") customers buy      :data:`KEY_ACCOUNT_SHARE`,
      the most but at contract discounts of        :data:`KEY_ACCOUNT_DISCOUNT`,
      28-40 %, above most products' margin, so     :data:`COMPANY_RATE_MULTIPLIER`,
      several of the top-revenue customers have    :data:`COMPANY_SPEND_MULTIPLIER`
      a negative margin: the largest customers
      are not always the most profitable.
(c)   Branch ``B09`` (대구수성점 Daegu Suseong)    :data:`CHURN_BRANCH`,
      loses customers faster: its members'         :data:`CHURN_BRANCH_B_FACTOR`
      dropout ``p ~ Beta(a, b * 0.35)``
      (mean 0.22 instead of 0.09).
(d)   Online and app grow: their share of          :data:`CHANNEL_LOGIT_BASE`,
      transactions rises from about 35 % in the    :data:`CHANNEL_LOGIT_TREND`
      first year to about 43 % in the second.
(e)   Seasonality: peaks in the week before        :data:`HOLIDAYS`, :data:`SEASON_*`
      Seollal and Chuseok, in December; a summer
      dip; weekend uplift; holidays themselves
      quiet.
(j)   Mystery shopping: Yeongnam (``YNG``) staff   :data:`MYSTERY_WEAK_REGION`,
      rarely offer membership points at the        :data:`MYSTERY_WEAK_ITEM`,
      checkout (item ``CHK2`` passes 25 % vs       :data:`MYSTERY_WEAK_PASS_PROBABILITY`
      about 85 % elsewhere).
====  ===========================================  ===================================================

Per-customer truth (``true_lambda``, ``true_p``, ``true_nu``, ``true_alive``) is kept in the
generated customer frame (not in the store) for tests that need it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

START = date(2024, 11, 1)
END = date(2026, 10, 31)
N_DAYS = (END - START).days + 1  # 730
REFERENCE_YEAR = 2026  # ages are computed at this year


@dataclass(frozen=True)
class BgNbdParams:
    """BG/NBD heterogeneity parameters; ``alpha`` in weeks (``lambda`` per week)."""

    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class GammaGammaParams:
    """Gamma-Gamma spend parameters (shape ``p``; ``nu ~ Gamma(q, rate=gamma)``), KRW."""

    p: float
    q: float
    gamma: float

    @property
    def mean_spend(self) -> float:
        return self.p * self.gamma / (self.q - 1.0)


#: Truth population: persons outside the churn branch. Units: weeks.
BGNBD = BgNbdParams(r=0.97, alpha=3.2, a=0.7, b=7.0)
#: Intended spend per transaction of persons, KRW (mean about 48,000 KRW).
GAMMA_GAMMA = GammaGammaParams(p=4.5, q=3.8, gamma=30_000.0)
#: Persons' baskets are built from ``BASKET_VALUE_FACTOR * z``: rounding to whole products
#: (nothing costs under 3,000 KRW) overshoots small line values by about this much on average,
#: so the realised mean amount matches ``GAMMA_GAMMA.mean_spend``.
BASKET_VALUE_FACTOR = 0.93

# --- customers -------------------------------------------------------------------------------
COMPANY_SHARE = 0.05  # share of customers that are companies (B2B)
KEY_ACCOUNT_SHARE = 0.12  # share of companies that are large key accounts
#: Companies buy more often than persons: lambda is multiplied by this (regular, key account).
COMPANY_RATE_MULTIPLIER = (2.0, 3.0)
#: ... spend more per order (bulk baskets) ...
COMPANY_SPEND_MULTIPLIER = (6.0, 16.0)
#: ... and are more loyal: their ``b`` is multiplied by this (lower dropout).
COMPANY_B_FACTOR = 2.0
#: Contract discount on every line, uniform in the range, fixed per company.
B2B_DISCOUNT = (0.04, 0.12)
KEY_ACCOUNT_DISCOUNT = (0.28, 0.40)
#: Persons: promotion probability per line (store/online/phone, app) and the rates drawn from.
PROMO_PROBABILITY = (0.10, 0.25)
PROMO_RATES = (0.05, 0.10, 0.20)

# --- (a) delivery ----------------------------------------------------------------------------
SLOW_DELIVERY_REGION = "HNM"
#: delivery_days = fixed + Poisson(extra) per region; +1 day with probability 1/2 at peaks.
DELIVERY_DAYS: dict[str, tuple[int, float]] = {"CAP": (1, 0.5), "YNG": (1, 0.9), "HNM": (2, 1.6)}
PEAK_DELAY_PROBABILITY = 0.5
#: For the survey step (later issue): shift of the delivery element score (0-100) in Honam.
SLOW_DELIVERY_SATISFACTION_SHIFT = -12.0

# --- (c) churn branch ------------------------------------------------------------------------
CHURN_BRANCH = "B09"
CHURN_BRANCH_B_FACTOR = 0.35

# --- (d) channels: logits of store, online, phone, app -----------------------------------------
CHANNEL_LOGIT_BASE = (0.0, -1.5, -2.6, -2.1)
CHANNEL_LOGIT_TREND = (0.0, 0.2, -0.2, 0.7)  # per year since START
#: How strongly the customer's digital affinity (younger -> higher) moves each channel.
CHANNEL_DIGITAL_LOADING = (0.0, 1.0, -0.5, 1.3)
#: Companies order by phone and online more than persons do.
CHANNEL_COMPANY_SHIFT = (0.0, 1.0, 1.8, -0.5)
#: Store purchases at the home branch with this probability, else another branch of its region.
HOME_BRANCH_STORE_SHARE = 0.9

# --- (e) seasonality -------------------------------------------------------------------------
#: Seollal and Chuseok (the main day of each three-day holiday) inside the window.
HOLIDAYS: tuple[date, ...] = (date(2025, 1, 29), date(2025, 10, 6), date(2026, 2, 17), date(2026, 9, 25))
SEASON_HOLIDAY_PEAK = 0.9  # extra intensity at the peak, 6 days before the holiday
SEASON_HOLIDAY_LEAD_DAYS = 6
SEASON_HOLIDAY_QUIET = 0.45  # intensity factor on the three holiday days
SEASON_DECEMBER_PEAK = 0.35  # extra intensity around 20 December
SEASON_SUMMER_DIP = 0.22  # intensity loss around 5 August
#: Monday .. Sunday.
SEASON_WEEKDAY = (0.9, 0.9, 0.9, 0.95, 1.05, 1.35, 1.25)

# --- acquisition -----------------------------------------------------------------------------
#: The membership programme launched on START: a wave in the first weeks, then growth.
LAUNCH_DAYS = 45
LAUNCH_INTENSITY = 6.0  # relative to the later trend, which grows linearly 0.6 -> 1.4


# --- Survey waves (cxm.surveys.demo_steps) --------------------------------------------------
# Four quarterly waves of the customer-satisfaction survey (questionnaire
# src/cxm/surveys/questionnaires/retail_csi.yaml). Each respondent has a general mood
# ``u ~ N(0, SURVEY_MOOD_SD)`` and per element a latent satisfaction on the 1-5 scale,
# ``theta_e = SURVEY_ELEMENT_MEANS[e] + SURVEY_WAVE_TREND[e] * wave + u + N(0, SURVEY_ELEMENT_SD)``;
# items are ``theta_e + N(0, SURVEY_ITEM_SD)`` rounded and clipped to 1..5. Overall
# satisfaction (1..7) is driven by the elements with the true importance
# ``SURVEY_IMPORTANCE`` (delivery matters most):
# ``overall = 1 + 6 * (sum_e w_e * theta_e - 1) / 4 + N(0, SURVEY_ITEM_SD)``.
# Planted (f): in the slow-delivery region (a) the delivery element is lower by
# ``SLOW_DELIVERY_SATISFACTION_SHIFT`` points of 0-100 (0.48 on the 1-5 scale), so with its
# high importance delivery lands in CS-portfolio quadrant B ("improve first") there.
# Planted (g): delivery improves wave over wave everywhere (``SURVEY_WAVE_TREND``).
# Planted (h): the competitor is better at delivery and worse at product
# (``SURVEY_COMPETITOR_SHIFT``), so the competitor gap is negative for C and positive for A.
SURVEY_WAVES: tuple[str, ...] = ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")
SURVEY_OPEN_WAVE = "2026-Q4"  # links only, no generated answers: the wave customers answer now
SURVEY_RESPONSES_PER_BRANCH = 150  # Poisson mean, per wave and branch
SURVEY_IDENTIFIED_SHARE = 0.8  # the rest answered anonymously through the public link
SURVEY_ELEMENT_MEANS = {"A": 3.85, "B": 3.70, "C": 3.55, "D": 3.40, "E": 3.75}
SURVEY_IMPORTANCE = {"A": 0.20, "B": 0.15, "C": 0.35, "D": 0.15, "E": 0.15}
SURVEY_WAVE_TREND = {"A": 0.0, "B": 0.0, "C": 0.05, "D": 0.0, "E": 0.0}
SURVEY_COMPETITOR_SHIFT = {"A": -0.25, "B": 0.0, "C": 0.30, "D": 0.0, "E": -0.10}
SURVEY_MOOD_SD = 0.45
SURVEY_ELEMENT_SD = 0.55
SURVEY_ITEM_SD = 0.45
SURVEY_MISSING_SHARE = 0.03  # item answers left blank at random
SURVEY_STORE_SKIPS_DELIVERY = 0.4  # store respondents who leave the delivery block blank
SURVEY_COMPETITOR_SHARE = 0.6  # respondents who also rate a competitor

# --- Cases (cxm.voc.demo_steps) --------------------------------------------------------------
# About six complaints per branch and month, by category (product, service, late delivery,
# damaged delivery, after-sales, price, image), with Korean texts (some English).
# Planted (i): delivery complaints are ``VOC_SLOW_REGION_DELIVERY_FACTOR`` times as frequent
# in the slow-delivery region (a), and take longer to resolve there; complaints of the last
# ten days are still in progress (some past their SLA), so the inbox has work in it.
VOC_SLOW_REGION_DELIVERY_FACTOR = 3.0

# --- Mystery shopping (cxm.mystery.demo_steps) -----------------------------------------------
# The store checklist src/cxm/mystery/checklists/retail_store.yaml; every branch is visited
# ``MYSTERY_VISITS_PER_BRANCH`` times in each quarter of ``MYSTERY_QUARTERS``. Each branch has a
# fixed service level ``s ~ N(0, MYSTERY_BRANCH_SD)``; a yes/no item passes with probability
# ``logistic(logit(MYSTERY_PASS_PROBABILITY) + 2 s + N(0, 0.5))`` and a scale item (1-5) is
# ``round(MYSTERY_SCALE_MEAN + s + N(0, MYSTERY_SCALE_SD))`` clipped; items that allow it are
# "not applicable" with probability ``MYSTERY_NA_SHARE``.
# Planted (j): in region ``MYSTERY_WEAK_REGION`` (Yeongnam) the checkout staff rarely offer
# membership points: item ``MYSTERY_WEAK_ITEM`` passes with ``MYSTERY_WEAK_PASS_PROBABILITY``
# instead of about 0.85, so it is that region's weakest item and pulls its checkout section down.
MYSTERY_QUARTERS: tuple[str, ...] = ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")
MYSTERY_VISITS_PER_BRANCH = 3
MYSTERY_PASS_PROBABILITY = 0.85
MYSTERY_SCALE_MEAN = 4.2
MYSTERY_SCALE_SD = 0.8
MYSTERY_BRANCH_SD = 0.3
MYSTERY_NA_SHARE = 0.15
MYSTERY_WEAK_REGION = "YNG"
MYSTERY_WEAK_ITEM = "CHK2"
MYSTERY_WEAK_PASS_PROBABILITY = 0.25
