"""Seeded, deterministic generator of the demo company 한결마트 (Hangyeol Mart).

Pure numpy and polars: no Django import, so analytics tests can generate data with known
truth without a database. Everything random comes from :func:`rng_for`, one independent
stream per purpose (``"customers"`` chunk *k*, ``"employees"``, ...), derived from the
main seed with :class:`numpy.random.SeedSequence`; so the same seed gives the same company
on every machine, and adding a new stream never changes the existing ones.

Customers are generated in chunks of :data:`CHUNK_CUSTOMERS`, each from its own stream,
so that a million customers never sit in memory at once (see :func:`iter_chunks`). The
data depend on the seed and the number of customers only.

The buying process, spend model and planted effects are documented in
:mod:`cxm.demo.truth`; this module only implements them. No Python loop runs over
customers, transactions or lines: per-customer segments are handled with
``np.repeat``/``np.bincount``/``np.add.reduceat``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from . import catalog, truth

#: Customers per generated chunk. Part of the data definition: changing it changes the data.
CHUNK_CUSTOMERS = 10_000

_START = np.datetime64(truth.START, "D")


# --- randomness ------------------------------------------------------------------------------
def stream_seed(seed: int, name: str, *index: int) -> np.random.SeedSequence:
    """The seed sequence of one named random stream.

    Parameters
    ----------
    seed : int
        The demo's main seed.
    name : str
        Purpose of the stream (``"customers"``, ``"employees"``, a hook step's name...).
        A CRC-32 of it is used, not :func:`hash`, which changes between interpreter runs.
    *index : int
        Further spawn-key entries, e.g. the chunk number.

    Returns
    -------
    numpy.random.SeedSequence
    """
    return np.random.SeedSequence(entropy=seed, spawn_key=(zlib.crc32(name.encode()), *index))


def rng_for(seed: int, name: str, *index: int) -> np.random.Generator:
    """An independent generator for stream ``name`` (see :func:`stream_seed`)."""
    return np.random.default_rng(stream_seed(seed, name, *index))


# --- calendar --------------------------------------------------------------------------------
def window_dates() -> np.ndarray:
    """The 730 dates of the window as ``datetime64[D]``; index = day number used everywhere."""
    return _START + np.arange(truth.N_DAYS)


def _offset(d: date) -> int:
    return int((np.datetime64(d, "D") - _START).astype(np.int64))


def _annual_profile() -> np.ndarray:
    """Seasonal factor per day without the weekday pattern (not normalised)."""
    days = np.arange(truth.N_DAYS, dtype=np.float64)
    s = np.ones(truth.N_DAYS)
    for year in (2024, 2025, 2026):
        # Year-end shopping around 20 December.
        s += truth.SEASON_DECEMBER_PEAK * np.exp(-0.5 * ((days - _offset(date(year, 12, 20))) / 9.0) ** 2)
        # Summer dip: holidays away from home, heat.
        s -= truth.SEASON_SUMMER_DIP * np.exp(-0.5 * ((days - _offset(date(year, 8, 5))) / 13.0) ** 2)
    for holiday in truth.HOLIDAYS:
        # Gift-set shopping peaks in the week before Seollal and Chuseok ...
        c = _offset(holiday)
        s += truth.SEASON_HOLIDAY_PEAK * np.exp(-0.5 * ((days - (c - truth.SEASON_HOLIDAY_LEAD_DAYS)) / 4.0) ** 2)
    for holiday in truth.HOLIDAYS:
        # ... and the three holiday days themselves are quiet (families travel, stores close early).
        c = _offset(holiday)
        s[max(c - 1, 0) : c + 2] *= truth.SEASON_HOLIDAY_QUIET
    return s


def seasonality() -> np.ndarray:
    """Relative purchase intensity per day of the window, mean 1.

    Korean retail pattern (:mod:`cxm.demo.truth` (e)): peaks before Seollal and Chuseok and
    in December, a summer dip, weekends busier than weekdays.

    Returns
    -------
    numpy.ndarray
        Shape ``(N_DAYS,)``, float64, ``mean() == 1``.
    """
    dates = window_dates()
    weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    week = np.asarray(truth.SEASON_WEEKDAY)
    s = _annual_profile() * (week / week.mean())[weekday]
    return s / s.mean()


def peak_days() -> np.ndarray:
    """Days whose annual profile is well above normal (holiday and year-end rushes)."""
    return _annual_profile() > 1.3


def acquisition_profile() -> np.ndarray:
    """Probability of each day being a new member's first purchase (sums to 1)."""
    days = np.arange(truth.N_DAYS)
    trend = np.linspace(0.6, 1.4, truth.N_DAYS)
    launch = np.where(days < truth.LAUNCH_DAYS, truth.LAUNCH_INTENSITY, 0.0)
    w = (trend + launch) * seasonality()
    return w / w.sum()


# --- reference tables ------------------------------------------------------------------------
@dataclass(frozen=True)
class Reference:
    """The small tables: fixed catalogue plus the seeded employees.

    Attributes
    ----------
    org_units : polars.DataFrame
        ``code, name_ko, name_en, kind, parent_code`` (parents first).
    branches : polars.DataFrame
        ``branch_idx, code, slug, name_ko, name_en, region, weight, area_code``; the
        generator refers to branches by ``branch_idx``.
    channels, products : polars.DataFrame
        Referred to by ``channel_idx`` and ``product_idx``.
    periods, departments, employees : polars.DataFrame
    """

    org_units: pl.DataFrame
    branches: pl.DataFrame
    channels: pl.DataFrame
    products: pl.DataFrame
    periods: pl.DataFrame
    departments: pl.DataFrame
    employees: pl.DataFrame


def org_units_frame() -> pl.DataFrame:
    units = catalog.org_units()
    return pl.DataFrame(
        {
            "code": [u.code for u in units],
            "name_ko": [u.name_ko for u in units],
            "name_en": [u.name_en for u in units],
            "kind": [u.kind for u in units],
            "parent_code": [u.parent for u in units],
        }
    )


def branches_frame() -> pl.DataFrame:
    b = catalog.BRANCHES
    return pl.DataFrame(
        {
            "branch_idx": np.arange(len(b), dtype=np.int32),
            "code": [x.code for x in b],
            "slug": [x.slug for x in b],
            "name_ko": [x.name_ko for x in b],
            "name_en": [x.name_en for x in b],
            "region": [x.region for x in b],
            "weight": [x.weight for x in b],
            "area_code": [x.area_code for x in b],
        }
    )


def channels_frame() -> pl.DataFrame:
    c = catalog.CHANNELS
    return pl.DataFrame(
        {
            "channel_idx": np.arange(len(c), dtype=np.int32),
            "code": [x.code for x in c],
            "name_ko": [x.name_ko for x in c],
            "name_en": [x.name_en for x in c],
            "kind": [x.kind for x in c],
        }
    )


def products_frame() -> pl.DataFrame:
    p = catalog.PRODUCTS
    return pl.DataFrame(
        {
            "product_idx": np.arange(len(p), dtype=np.int32),
            "sku": [x.sku for x in p],
            "name_ko": [x.name_ko for x in p],
            "name_en": [x.name_en for x in p],
            "category": [x.category for x in p],
            "unit_price": np.array([x.unit_price for x in p], dtype=np.int64),
            "unit_cost": np.array([x.unit_cost for x in p], dtype=np.int64),
        }
    )


_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def periods_frame() -> pl.DataFrame:
    """Months and quarters of the window, and the calendar years it touches."""
    rows: list[tuple[str, str, date, date, str, str]] = []
    months = np.arange(np.datetime64(truth.START, "M"), np.datetime64(truth.END, "M") + 1)
    for m in months:  # 24 months: a tiny loop over calendar periods, not over data
        start = m.astype("datetime64[D]").item()
        end = ((m + 1).astype("datetime64[D]") - 1).item()
        rows.append((f"{start:%Y-%m}", "month", start, end, f"{start.year}년 {start.month}월",
                     f"{_MONTHS_EN[start.month - 1]} {start.year}"))
    quarters = sorted({(d.year, (d.month - 1) // 3 + 1) for d in (m.astype("datetime64[D]").item() for m in months)})
    for year, q in quarters:
        start = date(year, 3 * q - 2, 1)
        end = (np.datetime64(date(year + (q == 4), (3 * q) % 12 + 1, 1)) - 1).item()
        rows.append((f"{year}-Q{q}", "quarter", start, end, f"{year}년 {q}분기", f"Q{q} {year}"))
    for year in range(truth.START.year, truth.END.year + 1):
        rows.append((f"{year}", "year", date(year, 1, 1), date(year, 12, 31), f"{year}년", f"{year}"))
    return pl.DataFrame(rows, schema=["code", "kind", "start", "end", "label_ko", "label_en"], orient="row")


def departments_frame() -> pl.DataFrame:
    d = catalog.DEPARTMENTS
    return pl.DataFrame(
        {
            "code": [x.code for x in d],
            "name_ko": [x.name_ko for x in d],
            "name_en": [x.name_en for x in d],
            "unit_code": [x.unit for x in d],
        }
    )


def _person_names(rng: np.random.Generator, gender: np.ndarray, birth_year: np.ndarray) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Korean full names (surname first) and the romanised surname and given name.

    Surnames follow the census shares; given names the fashion of the birth cohort.
    """
    n = gender.shape[0]
    shares = np.array([s[2] for s in catalog.SURNAMES])
    s_idx = rng.choice(len(catalog.SURNAMES), size=n, p=shares / shares.sum())
    cohort = np.searchsorted(np.asarray(catalog.COHORT_BOUNDS), birth_year, side="right")
    pool_size = len(catalog.GIVEN_NAMES[(0, "M")])
    g_pick = rng.integers(0, pool_size, size=n)
    # Flatten the six pools into one table indexed by (cohort, gender, pick).
    keys = [(c, g) for c in range(3) for g in ("F", "M")]
    given_ko = np.array([name for k in keys for name, _ in catalog.GIVEN_NAMES[k]], dtype=object)
    given_en = np.array([rom for k in keys for _, rom in catalog.GIVEN_NAMES[k]], dtype=object)
    g_idx = (cohort * 2 + (gender == "M")) * pool_size + g_pick
    surname_ko = pl.Series([s[0] for s in catalog.SURNAMES]).gather(s_idx)
    surname_en = pl.Series([s[1] for s in catalog.SURNAMES]).gather(s_idx)
    name = surname_ko + pl.Series(given_ko[g_idx].tolist(), dtype=pl.String)
    return name, surname_en, pl.Series(given_en[g_idx].tolist(), dtype=pl.String)


def employees_frame(seed: int) -> pl.DataFrame:
    """About ten employees per branch plus head-office and call-centre staff.

    The first person of each position never leaves (demo logins link to them); others
    left with probability 0.08.
    """
    rng = rng_for(seed, "employees")
    unit_codes: list[str] = []
    departments: list[str] = []
    positions: list[str] = []
    first_in_slot: list[bool] = []
    slots = [(b.code, slot) for b in catalog.BRANCHES for slot in catalog.BRANCH_STAFF] + list(catalog.HQ_STAFF)
    for unit, slot in slots:  # ~80 slots: a loop over the org chart, not over data
        unit_codes += [unit] * slot.count
        departments += [slot.department] * slot.count
        positions += [slot.position_ko] * slot.count
        first_in_slot += [True] + [False] * (slot.count - 1)
    n = len(unit_codes)
    gender = np.where(rng.random(n) < 0.5, "F", "M")
    birth_year = rng.integers(1966, 2001, size=n)
    name, _, _ = _person_names(rng, gender, birth_year)
    hired = rng.integers(_offset(date(2010, 3, 1)), _offset(date(2026, 6, 1)), size=n)
    left = (rng.random(n) < 0.08) & ~np.asarray(first_in_slot)
    left_day = hired + ((truth.N_DAYS - 1 - hired) * rng.random(n)).astype(np.int64)
    left_day = np.where(left & (left_day > hired), left_day, -(10**6))
    return pl.DataFrame(
        {
            "employee_no": [f"E{i + 1:05d}" for i in range(n)],
            "name": name,
            "department_code": departments,
            "unit_code": unit_codes,
            "position": positions,
            "gender": gender,
            "birth_year": birth_year,
            "hired_on": (_START + hired).astype("datetime64[D]"),
            "left_on": pl.Series((_START + left_day).astype("datetime64[D]")),
            "first_in_slot": first_in_slot,
        }
    ).with_columns(pl.when(pl.col("left_on") < pl.date(2000, 1, 1)).then(None).otherwise(pl.col("left_on")).alias("left_on"))


def reference_tables(seed: int) -> Reference:
    """All small tables for ``seed`` (only the employees depend on it)."""
    return Reference(
        org_units=org_units_frame(),
        branches=branches_frame(),
        channels=channels_frame(),
        products=products_frame(),
        periods=periods_frame(),
        departments=departments_frame(),
        employees=employees_frame(seed),
    )


# --- customers and transactions ---------------------------------------------------------------
@dataclass(frozen=True)
class DemoSpec:
    """What to generate: the data depend on these two numbers only.

    Parameters
    ----------
    seed : int
        Main seed.
    n_customers : int
        Number of customers (20,000 for the demo, 1,000,000 for the benchmark).
    """

    seed: int = 42
    n_customers: int = 20_000

    def __post_init__(self) -> None:
        if self.n_customers < 1:
            raise ValueError(f"n_customers must be positive, got {self.n_customers}")

    @property
    def n_chunks(self) -> int:
        return -(-self.n_customers // CHUNK_CUSTOMERS)


@dataclass(frozen=True)
class Chunk:
    """One chunk of generated customers with their transactions and lines.

    Attributes
    ----------
    index : int
        Chunk number.
    customers : polars.DataFrame
        One row per customer: ``customer_idx`` (global, 0-based), the model fields
        (``customer_no, kind, name, email, phone, gender, birth_year, home_branch_idx,
        segment, attributes`` as JSON text, consent flags, ``joined_on``), ``join_day``
        (days since START), and the planted truth ``key_account, true_lambda`` (per week),
        ``true_p, true_nu, true_alive`` (not dropped out by END).
    transactions : polars.DataFrame
        ``txn_idx`` (global), ``txn_no, customer_idx, branch_idx, channel_idx, day`` (0 =
        START), ``occurred_on, amount, cost, delivery_days`` (null for store purchases),
        ``is_first``.
    lines : polars.DataFrame
        ``txn_idx, product_idx, quantity, amount, cost, discount``.
    """

    index: int
    customers: pl.DataFrame
    transactions: pl.DataFrame
    lines: pl.DataFrame


def _region_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Branch -> region index, and per region a padded array of its branch indices."""
    regions = [r.code for r in catalog.REGIONS]
    branch_region = np.array([regions.index(b.region) for b in catalog.BRANCHES])
    members = [np.flatnonzero(branch_region == r) for r in range(len(regions))]
    width = max(len(m) for m in members)
    padded = np.stack([np.resize(m, width) for m in members])
    counts = np.array([len(m) for m in members])
    return branch_region, padded, counts


@dataclass(frozen=True)
class _Customers:
    """A chunk's customers: the frame to store, and the arrays the buying process needs."""

    frame: pl.DataFrame
    is_company: np.ndarray
    key_account: np.ndarray
    branch: np.ndarray
    join: np.ndarray
    age: np.ndarray


def _draw_customers(rng: np.random.Generator, lo: int, n: int) -> _Customers:
    """Who the customers are: kind, branch, first purchase, demographics, contact, consent."""
    branches = catalog.BRANCHES
    weights = np.array([b.weight for b in branches])
    is_company = rng.random(n) < truth.COMPANY_SHARE
    key_account = is_company & (rng.random(n) < truth.KEY_ACCOUNT_SHARE)
    branch = rng.choice(len(branches), size=n, p=weights / weights.sum())
    join = rng.choice(truth.N_DAYS, size=n, p=acquisition_profile())
    gender = np.where(rng.random(n) < 0.52, "F", "M")
    age = np.clip(np.rint(rng.normal(44.0, 14.0, size=n)), 19, 88).astype(np.int64)
    birth_year = truth.REFERENCE_YEAR - age
    household = rng.choice(np.arange(1, 6), size=n, p=[0.30, 0.28, 0.20, 0.17, 0.05])
    name, surname_en, given_en = _person_names(rng, gender, birth_year)

    # Older members leave an e-mail address less often; companies always do.
    has_email = is_company | (rng.random(n) < np.clip(1.12 - age / 160.0, 0.5, 0.97))
    marketing = rng.random(n) < np.where(is_company, 0.8, 0.6)
    consent_sms = marketing & (rng.random(n) < 0.8)
    consent_email = marketing & has_email & (rng.random(n) < 0.7)
    mail_no = rng.integers(1, 1000, size=n)
    domain = pl.Series(list(catalog.EMAIL_DOMAINS)).gather(rng.integers(0, len(catalog.EMAIL_DOMAINS), size=n))
    phone_mid = rng.integers(2000, 10000, size=n)
    phone_end = rng.integers(0, 10000, size=n)

    # Companies: name from a prefix and an industry ending, with or without "(주)".
    industries = catalog.COMPANY_INDUSTRIES
    industry = rng.integers(0, len(industries), size=n)
    ending_pick = rng.integers(0, 1 << 20, size=n)
    ending_len = np.array([len(e) for _, e in industries])[industry]
    endings = np.array([e for _, es in industries for e in es], dtype=object)
    ending_off = np.concatenate([[0], np.cumsum([len(es) for _, es in industries])[:-1]])
    ending = endings[ending_off[industry] + ending_pick % ending_len]
    prefix = np.array(catalog.COMPANY_PREFIXES, dtype=object)[rng.integers(0, len(catalog.COMPANY_PREFIXES), size=n)]
    corp_style = rng.integers(0, 3, size=n)
    staff = np.rint(np.exp(rng.normal(np.where(key_account, 5.0, 3.0), 0.7))).astype(np.int64) + 2

    idx = pl.Series("customer_idx", np.arange(lo, lo + n, dtype=np.int64))
    company_name = pl.Series((prefix + ending).tolist(), dtype=pl.String)
    corp = pl.Series(corp_style)
    company_name = (
        pl.DataFrame({"n": company_name, "s": corp})
        .select(
            pl.when(pl.col("s") == 0).then(pl.lit("(주)") + pl.col("n"))
            .when(pl.col("s") == 1).then(pl.col("n") + pl.lit("(주)"))
            .otherwise(pl.col("n"))
        )
        .to_series()
    )
    customer_no = pl.lit("C") + (idx + 1).cast(pl.String).str.zfill(8)
    area = pl.Series([b.area_code for b in branches]).gather(branch)
    frame = pl.DataFrame(
        {
            "customer_idx": idx,
            "is_company": is_company,
            "key_account": key_account,
            "person_name": name,
            "company_name": company_name,
            "surname_en": surname_en,
            "given_en": given_en,
            "mail_no": mail_no,
            "domain": domain,
            "has_email": has_email,
            "area": area,
            "phone_mid": phone_mid,
            "phone_end": phone_end,
            "gender": gender,
            "birth_year": birth_year,
            "age": age,
            "household": household,
            "industry": pl.Series([i for i, _ in industries]).gather(industry),
            "staff": staff,
        }
    )
    is_co = pl.col("is_company")
    customers = frame.select(
        "customer_idx",
        customer_no.alias("customer_no"),
        pl.when(is_co).then(pl.lit("company")).otherwise(pl.lit("person")).alias("kind"),
        pl.when(is_co).then(pl.col("company_name")).otherwise(pl.col("person_name")).alias("name"),
        pl.when(~pl.col("has_email")).then(pl.lit(""))
        .when(is_co).then(pl.lit("purchasing.") + customer_no.str.to_lowercase() + pl.lit("@") + pl.col("domain"))
        .otherwise(pl.col("given_en") + pl.lit(".") + pl.col("surname_en") + pl.col("mail_no").cast(pl.String)
                   + pl.lit("@") + pl.col("domain"))
        .alias("email"),
        pl.when(is_co)
        .then(pl.col("area") + pl.lit("-") + (pl.col("phone_mid") // 10).cast(pl.String) + pl.lit("-")
              + pl.col("phone_end").cast(pl.String).str.zfill(4))
        .otherwise(pl.lit("010-") + pl.col("phone_mid").cast(pl.String) + pl.lit("-")
                   + pl.col("phone_end").cast(pl.String).str.zfill(4))
        .alias("phone"),
        pl.when(is_co).then(pl.lit("")).otherwise(pl.col("gender")).alias("gender"),
        pl.when(is_co).then(None).otherwise(pl.col("birth_year")).cast(pl.Int32).alias("birth_year"),
        pl.Series("home_branch_idx", branch.astype(np.int32)),
        pl.when(is_co & pl.col("key_account")).then(pl.lit("b2b_key"))
        .when(is_co).then(pl.lit("b2b"))
        .when(pl.col("age") >= 63).then(pl.lit("senior"))
        .when(pl.col("household") == 1).then(pl.lit("single"))
        .otherwise(pl.lit("family"))
        .alias("segment"),
        pl.when(is_co)
        .then(pl.lit('{"industry": "') + pl.col("industry") + pl.lit('", "employees": ') + pl.col("staff").cast(pl.String)
              + pl.lit(', "key_account": ') + pl.when(pl.col("key_account")).then(pl.lit("true")).otherwise(pl.lit("false"))
              + pl.lit("}"))
        .otherwise(pl.lit('{"household_size": ') + pl.col("household").cast(pl.String) + pl.lit("}"))
        .alias("attributes"),
        pl.Series("consent_marketing", marketing),
        pl.Series("consent_email", consent_email),
        pl.Series("consent_sms", consent_sms),
        pl.Series("join_day", join.astype(np.int32)),
        "key_account",
    )
    return _Customers(frame=customers, is_company=is_company, key_account=key_account, branch=branch,
                      join=join.astype(np.int64), age=age)


def _softmax_choice(rng: np.random.Generator, logits: np.ndarray) -> np.ndarray:
    """Sample one category per row of ``logits`` (shape ``(n, k)``)."""
    w = np.exp(logits - logits.max(axis=1, keepdims=True))
    cum = np.cumsum(w, axis=1)
    u = rng.random(logits.shape[0]) * cum[:, -1]
    return (u[:, None] > cum).sum(axis=1)


def generate_chunk(spec: DemoSpec, index: int, *, txn_offset: int = 0) -> Chunk:
    """Generate chunk ``index`` of ``spec``: its customers, transactions and lines.

    Parameters
    ----------
    spec : DemoSpec
    index : int
        Chunk number, ``0 <= index < spec.n_chunks``; customers ``index * CHUNK_CUSTOMERS``
        onwards.
    txn_offset : int
        Global index of this chunk's first transaction (the number of transactions in the
        chunks before it); only numbering depends on it.

    Returns
    -------
    Chunk

    Notes
    -----
    Repeat purchases follow BG/NBD: a Poisson process with rate ``lambda * s(t)`` (``s`` the
    seasonal profile) is simulated by thinning a homogeneous process of rate
    ``lambda * max(s)``: candidates are kept with probability ``s(t) / max(s)``. After the
    ``J``-th kept repeat purchase, ``J ~ Geometric(p)``, the customer is gone.
    """
    if not 0 <= index < spec.n_chunks:
        raise ValueError(f"chunk index {index} outside 0..{spec.n_chunks - 1}")
    lo = index * CHUNK_CUSTOMERS
    n = min(spec.n_customers, lo + CHUNK_CUSTOMERS) - lo
    rng = rng_for(spec.seed, "customers", index)
    c = _draw_customers(rng, lo, n)
    is_company, key_account, branch, join = c.is_company, c.key_account, c.branch, c.join

    # --- heterogeneity: rate, dropout, spend (truth.py) ---
    bg, gg = truth.BGNBD, truth.GAMMA_GAMMA
    rate_mult = np.where(key_account, truth.COMPANY_RATE_MULTIPLIER[1],
                         np.where(is_company, truth.COMPANY_RATE_MULTIPLIER[0], 1.0))
    lam_week = rng.gamma(bg.r, 1.0 / bg.alpha, size=n) * rate_mult
    churn_idx = [b.code for b in catalog.BRANCHES].index(truth.CHURN_BRANCH)
    b_i = (bg.b * np.where(branch == churn_idx, truth.CHURN_BRANCH_B_FACTOR, 1.0)
           * np.where(is_company, truth.COMPANY_B_FACTOR, 1.0))
    p_drop = rng.beta(bg.a, b_i)
    nu = rng.gamma(gg.q, 1.0 / gg.gamma, size=n)
    spend_mult = np.where(key_account, truth.COMPANY_SPEND_MULTIPLIER[1],
                          np.where(is_company, truth.COMPANY_SPEND_MULTIPLIER[0], 1.0))
    lo_d = np.where(key_account, truth.KEY_ACCOUNT_DISCOUNT[0], truth.B2B_DISCOUNT[0])
    hi_d = np.where(key_account, truth.KEY_ACCOUNT_DISCOUNT[1], truth.B2B_DISCOUNT[1])
    contract_discount = np.where(is_company, lo_d + (hi_d - lo_d) * rng.random(n), 0.0)
    # Younger members lean to online and app; noise so that age does not decide alone.
    digital = np.where(is_company, 0.0, (45.0 - c.age) / 15.0 + rng.normal(0.0, 0.7, size=n))

    # --- repeat purchases: thinning of a homogeneous Poisson process ---
    season = seasonality()
    s_max = season.max()
    horizon = truth.N_DAYS - 1 - join  # days after the first purchase inside the window
    n_cand = rng.poisson(lam_week / 7.0 * s_max * horizon)
    cid = np.repeat(np.arange(n), n_cand)
    u = rng.random(cid.size)
    order = np.argsort(cid + u, kind="stable")  # cid is grouped already; this sorts u within it
    cid, u = cid[order], u[order]
    day = join[cid] + 1 + np.floor(u * horizon[cid]).astype(np.int64)
    keep = rng.random(cid.size) * s_max < season[day]
    cid, day = cid[keep], day[keep]
    kept_per_customer = np.bincount(cid, minlength=n)
    first_of = np.concatenate([[0], np.cumsum(kept_per_customer)[:-1]])
    rank = np.arange(cid.size) - first_of[cid] + 1
    n_until_dropout = rng.geometric(p_drop)
    alive = rank <= n_until_dropout[cid]
    cid, day = cid[alive], day[alive]
    true_alive = kept_per_customer < n_until_dropout

    # First purchase (on joined_on) followed by the repeats, grouped by customer, by date.
    t_cust = np.concatenate([np.arange(n), cid])
    t_day = np.concatenate([join, day])
    is_first = np.concatenate([np.ones(n, dtype=bool), np.zeros(cid.size, dtype=bool)])
    order = np.argsort(t_cust * 1024 + t_day, kind="stable")  # N_DAYS < 1024: one sort key
    t_cust, t_day, is_first = t_cust[order], t_day[order], is_first[order]
    m = t_cust.size

    # --- channel: logits with a trend to online/app (planted effect d) ---
    years = t_day / 365.0
    logits = (np.asarray(truth.CHANNEL_LOGIT_BASE)[None, :]
              + years[:, None] * np.asarray(truth.CHANNEL_LOGIT_TREND)[None, :]
              + digital[t_cust][:, None] * np.asarray(truth.CHANNEL_DIGITAL_LOADING)[None, :]
              + is_company[t_cust][:, None] * np.asarray(truth.CHANNEL_COMPANY_SHIFT)[None, :])
    channel = _softmax_choice(rng, logits)
    is_store = channel == catalog.STORE

    # --- branch: stores mostly at home, sometimes another store of the region;
    #     remote orders are fulfilled by the home branch ---
    branch_region, region_members, region_counts = _region_tables()
    home = branch[t_cust]
    region = branch_region[home]
    other = region_members[region, (rng.random(m) * region_counts[region]).astype(np.int64)]
    away = is_store & (rng.random(m) >= truth.HOME_BRANCH_STORE_SHARE)
    t_branch = np.where(away, other, home)

    # --- delivery days for remote orders (planted effect a: Honam is slow) ---
    regions = [r.code for r in catalog.REGIONS]
    fixed = np.array([truth.DELIVERY_DAYS[r][0] for r in regions])[branch_region[t_branch]]
    extra = np.array([truth.DELIVERY_DAYS[r][1] for r in regions])[branch_region[t_branch]]
    rush = peak_days()[t_day] & (rng.random(m) < truth.PEAK_DELAY_PROBABILITY)
    delivery = fixed + rng.poisson(extra) + rush

    # --- spend per transaction (Gamma-Gamma) ---
    spend = rng.gamma(gg.p, 1.0 / nu[t_cust]) * spend_mult[t_cust]

    # --- lines: 1-3 products whose value shares the spend ---
    company_t = is_company[t_cust]
    u = rng.random(m)
    p1 = np.where(company_t, 0.20, 0.45)  # P(1 line); P(2 lines) = 0.35 for everyone
    n_lines = 1 + (u > p1) + (u > p1 + 0.35)
    l_txn = np.repeat(np.arange(m), n_lines)
    ell = l_txn.size
    w = rng.exponential(size=ell)
    share = w / np.bincount(l_txn, weights=w, minlength=m)[l_txn]
    # Whole products overshoot small line values (nothing costs less than 3,000 KRW), so the
    # basket is built from a slightly deflated value; the realised amounts then match the
    # Gamma-Gamma mean (truth.BASKET_VALUE_FACTOR, measured).
    value = spend[l_txn] * share * np.where(company_t[l_txn], 1.0, truth.BASKET_VALUE_FACTOR)

    products = catalog.PRODUCTS
    price = np.array([p.unit_price for p in products], dtype=np.int64)
    unit_cost = np.array([p.unit_cost for p in products], dtype=np.int64)
    # Persons: the product whose price is nearest the line's value (with taste noise), so
    # that quantities stay small and the basket value follows the spend model.
    log_price = np.log(price)
    by_price = np.argsort(log_price)
    midpoints = (log_price[by_price][1:] + log_price[by_price][:-1]) / 2.0
    # -sigma^2/2 keeps the expected price (log-normal noise) equal to the line's value.
    taste = 0.35
    target = np.log(value) - taste**2 / 2.0 + rng.normal(0.0, taste, size=ell)
    person_product = by_price[np.searchsorted(midpoints, target)]
    # Companies: bulk staples (food, drinks, household) in whatever quantity the value buys.
    b2b = np.flatnonzero([p.category in catalog.B2B_CATEGORIES for p in products])
    company_product = b2b[rng.integers(0, b2b.size, size=ell)]
    company_l = company_t[l_txn]
    product = np.where(company_l, company_product, person_product)
    quantity = np.clip(np.rint(value / price[product]), 1, np.where(company_l, 5000, 30)).astype(np.int64)
    gross = quantity * price[product]

    # Discounts: company contract rate on every line (planted effect b); persons' promotions.
    channel_l = channel[l_txn]
    promo_p = np.where(channel_l == catalog.APP, truth.PROMO_PROBABILITY[1], truth.PROMO_PROBABILITY[0])
    promo = rng.random(ell) < promo_p
    promo_rate = np.asarray(truth.PROMO_RATES)[rng.integers(0, len(truth.PROMO_RATES), size=ell)]
    rate = np.where(company_l, contract_discount[t_cust][l_txn], np.where(promo, promo_rate, 0.0))
    discount = (np.rint(gross * rate / 10.0) * 10.0).astype(np.int64)  # whole 10 won
    l_amount = gross - discount
    l_cost = quantity * unit_cost[product]

    starts = np.concatenate([[0], np.cumsum(n_lines)[:-1]])
    t_amount = np.add.reduceat(l_amount, starts)
    t_cost = np.add.reduceat(l_cost, starts)

    txn_idx = pl.Series("txn_idx", np.arange(txn_offset, txn_offset + m, dtype=np.int64))
    transactions = pl.DataFrame(
        {
            "txn_idx": txn_idx,
            "customer_idx": (lo + t_cust).astype(np.int64),
            "branch_idx": t_branch.astype(np.int32),
            "channel_idx": channel.astype(np.int32),
            "day": t_day.astype(np.int32),
            "occurred_on": (_START + t_day).astype("datetime64[D]"),
            "amount": t_amount,
            "cost": t_cost,
            "delivery_days": pl.Series(np.where(is_store, 0, delivery).astype(np.int32)),
            "is_first": is_first,
        }
    ).with_columns(
        (pl.lit("T") + (pl.col("txn_idx") + 1).cast(pl.String).str.zfill(10)).alias("txn_no"),
        pl.when(pl.col("channel_idx") == catalog.STORE).then(None).otherwise(pl.col("delivery_days")).alias("delivery_days"),
    ).select("txn_idx", "txn_no", pl.exclude("txn_idx", "txn_no"))
    lines = pl.DataFrame(
        {
            "txn_idx": (txn_offset + l_txn).astype(np.int64),
            "product_idx": product.astype(np.int32),
            "quantity": quantity,
            "amount": l_amount,
            "cost": l_cost,
            "discount": discount,
        }
    )
    customers = c.frame.with_columns(
        (pl.lit(_START) + pl.duration(days=pl.col("join_day"))).cast(pl.Date).alias("joined_on"),
        pl.Series("true_lambda", lam_week),
        pl.Series("true_p", p_drop),
        pl.Series("true_nu", nu),
        pl.Series("true_alive", true_alive),
    )
    return Chunk(index=index, customers=customers, transactions=transactions, lines=lines)


def iter_chunks(spec: DemoSpec) -> Iterator[Chunk]:
    """Generate ``spec`` chunk by chunk (bounded memory), numbering transactions globally."""
    offset = 0
    for index in range(spec.n_chunks):
        chunk = generate_chunk(spec, index, txn_offset=offset)
        offset += chunk.transactions.height
        yield chunk


@dataclass(frozen=True)
class DemoData:
    """The whole generated company in memory (small demos and tests).

    Attributes
    ----------
    spec : DemoSpec
    reference : Reference
    customers, transactions, lines : polars.DataFrame
        As in :class:`Chunk`, all chunks concatenated.
    """

    spec: DemoSpec
    reference: Reference
    customers: pl.DataFrame
    transactions: pl.DataFrame
    lines: pl.DataFrame


def generate(spec: DemoSpec) -> DemoData:
    """Generate the whole company in memory; for large ``n_customers`` use :func:`iter_chunks`."""
    chunks = list(iter_chunks(spec))
    return DemoData(
        spec=spec,
        reference=reference_tables(spec.seed),
        customers=pl.concat([c.customers for c in chunks]),
        transactions=pl.concat([c.transactions for c in chunks]),
        lines=pl.concat([c.lines for c in chunks]),
    )
