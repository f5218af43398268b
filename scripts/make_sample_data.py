#!/usr/bin/env python3
"""Generate the bundled ILLUSTRATIVE sample data set under ``data/``.

Everything this script writes except ``reference/member_states.csv`` is
INVENTED for demonstration and testing: the capability taxonomy, the national
inventories, the scenarios and the offers are NOT real national holdings, NOT
real force declarations and NOT official planning assumptions of any member
state or of the EU. Quantities are scaled roughly to each state's GDP and a
rough "defence weight" so that the pipeline's output looks plausible, nothing
more. Public orders of magnitude used for scenario writing are cited in the
scenario files and in ``data/reference/README.md``.

The script is deterministic: a seeded ``random.Random``, fixed dates, no
network access, and ``.xlsx`` files are re-zipped with fixed timestamps, so
running it twice gives byte-identical files.

What it writes (paths relative to the repository root):

- ``data/reference/member_states.csv`` (+ ``README.md``) - the embedded copy of the
  shared reference table (Eurostat GDP 2023 / population 2024, rounded; NATO
  membership 2024);
- ``data/reference/capabilities.csv`` - the illustrative capability taxonomy;
- ``data/reference/participation.csv`` - illustrative participation estimates
  (methodology §10): invented probabilities, each row naming the public fact
  (neutrality, a parliamentary mandate) its rough ordering rests on;
- ``data/inbox/inventory/`` - one national submission per member state
  (CSV or XLSX), including deliberate imperfections documented in
  ``data/inbox/README.md`` (bad rows, a superseded older submission,
  a submission split over two files, header/encoding variants);
- ``data/inbox/offers/`` - offers made after Finland invokes Art. 42.7;
- ``data/scenarios/*.yaml`` and ``data/scenarios/concurrency/*.yaml``;
- ``data/options/cdp_options_2026.yaml`` (+ ``README.md``) - an illustrative catalogue
  of options to close the gaps (methodology §11): invented options and costs.
- ``data/levers/*.yaml`` (+ ``README.md``) - six illustrative what-if variants
  (methodology §12): invented questions about the bundled scenarios.

Usage::

    .venv/bin/python scripts/make_sample_data.py [--data-dir data]
"""

# The data tables below read best one entry a line:
# ruff: noqa: E501
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import random
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

SEED = 4207  # Art. 42.7
ROOT = Path(__file__).resolve().parents[1]
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)

ILLUSTRATIVE = (
    "ILLUSTRATIVE sample data: invented for demonstration, not real national "
    "holdings or plans."
)

# --------------------------------------------------------------------------
# Reference: member states (public figures, approximate; sources in REFERENCE_README)
# --------------------------------------------------------------------------

MEMBER_STATES_CSV = """\
code,name,nato_member,gdp_meur,population,external_land_border_km
AT,Austria,false,473000,9160000,0
BE,Belgium,true,584000,11830000,0
BG,Bulgaria,true,94000,6440000,765
CY,Cyprus,false,31000,930000,0
CZ,Czechia,true,305000,10900000,0
DE,Germany,true,4121000,83450000,0
DK,Denmark,true,376000,5930000,0
EE,Estonia,true,38000,1370000,294
ES,Spain,true,1462000,48620000,19
FI,Finland,true,277000,5600000,1340
FR,France,true,2803000,68400000,0
GR,Greece,true,220000,10400000,652
HR,Croatia,true,76000,3860000,1268
HU,Hungary,true,197000,9580000,301
IE,Ireland,false,510000,5270000,499
IT,Italy,true,2128000,58990000,0
LT,Lithuania,true,72000,2890000,954
LU,Luxembourg,true,80000,670000,0
LV,Latvia,true,40000,1870000,387
MT,Malta,false,20000,560000,0
NL,Netherlands,true,1034000,17940000,0
PL,Poland,true,750000,36620000,1163
PT,Portugal,true,266000,10640000,0
RO,Romania,true,324000,19060000,1878
SE,Sweden,true,541000,10550000,0
SI,Slovenia,true,63000,2120000,0
SK,Slovakia,true,122000,5420000,97
"""

# --------------------------------------------------------------------------
# Capability taxonomy (illustrative, after NATO/EU capability-code style)
# --------------------------------------------------------------------------
# code, name, domain, unit, roles, base quantity for a state of size 1,
# readiness options (days), commonness 0..1 (informational only: PORTFOLIOS below decide
# who holds what), tags ("homeonly": never deployable abroad; "cip": mostly home-only)
BOTH = "border_security;domestic_support"
BS = "border_security"
DS = "domestic_support"

CAPABILITIES = [
    ("BS.SURV.UAS", "Border surveillance UAS system (tactical)", "isr", "system", BS, 3, [5, 10, 20, 30], 0.8, {"border"}),
    ("BS.SURV.MALE", "Medium-altitude long-endurance UAS", "isr", "aircraft", BOTH, 1.5, [5, 10, 20], 0.3, {"large"}),
    ("BS.SURV.LAND", "Mobile land-border surveillance team (radar/EO sensors)", "isr", "team", BS, 4, [2, 5, 10, 20], 0.6, {"border"}),
    ("BS.SURV.SAT", "Satellite imagery tasking capacity", "space", "system", BOTH, 1, [2, 5], 0.2, {"large"}),
    ("BS.MPA", "Maritime patrol aircraft", "maritime", "aircraft", BS, 0, [5, 10], 0, {"override"}),
    ("BS.OPV", "Offshore patrol vessel", "maritime", "vessel", BS, 3, [5, 10, 20], 0.75, {"coastal"}),
    ("BS.PATROL.COAST", "Coastal patrol boat", "maritime", "vessel", BS, 4, [2, 5, 10], 0.7, {"coastal"}),
    ("BS.ASW.FRIGATE", "Frigate with anti-submarine warfare capability", "maritime", "vessel", BS, 2.5, [10, 20, 30], 0.6, {"coastal", "medium"}),
    ("BS.MCM", "Mine countermeasures vessel", "maritime", "vessel", BOTH, 2, [10, 20, 30], 0.5, {"coastal", "medium"}),
    ("BS.SEABED.ROV", "Seabed surveillance and ROV team", "maritime", "team", BOTH, 0, [5, 10], 0, {"override"}),
    ("BS.RADAR.COAST", "Deployable coastal surveillance radar", "isr", "system", BS, 2.5, [5, 10, 20], 0.55, {"coastal"}),
    ("BS.RADAR.AIR", "Deployable air surveillance radar", "isr", "system", BS, 1.5, [10, 20, 30], 0.5, set()),
    ("BS.AEW", "Airborne early warning and control aircraft", "isr", "aircraft", BS, 0, [5, 10], 0, {"override"}),
    ("BS.FIGHTER.QRA", "Fighter aircraft for air policing (QRA)", "air", "aircraft", BS, 8, [2, 5, 10], 0.6, {"medium", "fighters"}),
    ("BS.GBAD.MRAD", "Medium-range air defence fire unit", "air", "system", BS, 1.5, [10, 20, 30], 0.5, {"medium"}),
    ("BS.CUAS", "Counter-UAS system (detect, track, defeat)", "air", "system", BOTH, 0, [5, 10], 0, {"override"}),
    ("BS.EW", "Electronic warfare team", "isr", "team", BS, 0, [5, 10], 0, {"override"}),
    ("BS.INF.LIGHT", "Light infantry company", "land", "company", BOTH, 7, [5, 10, 20, 30, 60], 1.0, {"land"}),
    ("BS.INF.MECH", "Mechanised infantry company", "land", "company", BS, 7, [10, 20, 30, 60, 90], 0.85, {"land", "medium"}),
    ("BS.RECCE", "Reconnaissance platoon", "land", "platoon", BS, 4, [5, 10, 20], 0.5, {"land"}),
    ("BS.ENG.BARRIER", "Obstacle and barrier engineer company", "engineering", "company", BS, 2.5, [10, 20, 30], 0.5, {"border"}),
    ("BS.MP", "Military police company", "land", "company", BOTH, 4, [5, 10, 10, 20], 0.7, {"land"}),
    ("BS.BG.TEAM", "Border guard mobile team (border police/gendarmerie)", "land", "team", BS, 12, [2, 5], 0.5, {"border", "homeonly"}),
    ("BS.K9", "Detection dog team", "land", "team", BOTH, 5, [2, 5, 10], 0.55, set()),
    ("BS.HELO.UTIL", "Utility helicopter", "air", "aircraft", BOTH, 0, [10, 20], 0, {"override"}),
    ("BS.SOF", "Special operations task unit", "land", "team", BOTH, 2, [2, 5], 0.55, {"land"}),
    ("DS.CYBER.RRT", "Cyber rapid response team", "cyber", "team", DS, 0, [2, 5], 0, {"override"}),
    ("DS.CYBER.OT", "Industrial control system (OT) security team", "cyber", "team", DS, 0, [5], 0, {"override"}),
    ("DS.CBRN.DEF", "CBRN defence company", "cbrn", "company", BOTH, 1.5, [5, 10, 20, 30], 0.65, set()),
    ("DS.CBRN.LAB", "Deployable CBRN analysis laboratory", "cbrn", "team", DS, 1, [5, 10, 20], 0.35, set()),
    ("DS.MED.ROLE1", "Role 1 medical team", "medical", "team", DS, 5, [5, 10, 20], 0.65, set()),
    ("DS.MED.ROLE2", "Role 2 medical treatment facility", "medical", "facility", DS, 1.2, [10, 20, 30], 0.6, set()),
    ("DS.MED.AEROMEDEVAC", "Aeromedical evacuation aircraft (configured)", "medical", "aircraft", DS, 0, [5, 10], 0, {"override"}),
    ("DS.CIP.GUARD", "Critical-infrastructure protection company (territorial/home guard)", "land", "company", DS, 6, [2, 5, 10, 20], 0.7, {"land", "cip"}),
    ("DS.INF.PATROL", "Urban security patrol company (military support to police)", "land", "company", DS, 5, [2, 5, 10], 0.4, {"land"}),
    ("DS.GEND.FPU", "Formed police / gendarmerie unit", "land", "company", DS, 3, [5, 10, 20], 0.75, {"gendarmerie"}),
    ("DS.EOD", "Explosive ordnance disposal team", "engineering", "team", BOTH, 5, [2, 5, 10], 0.8, set()),
    ("DS.ENG.CONSTR", "Construction engineer company", "engineering", "company", DS, 3.5, [10, 20, 30, 30, 60], 0.6, set()),
    ("DS.ENG.BRIDGE", "Bridging engineer company", "engineering", "company", DS, 1.2, [20, 30, 60], 0.3, {"medium"}),
    ("DS.TRANS.ROAD", "Road transport company", "logistics", "company", DS, 3, [10, 20, 30], 0.6, set()),
    ("DS.LOG.FUEL", "Fuel supply platoon", "logistics", "platoon", DS, 2.5, [10, 20, 30], 0.35, set()),
    ("DS.AIRLIFT.TAC", "Tactical airlift aircraft (C-130/C-295 class)", "logistics", "aircraft", BOTH, 4, [5, 10, 20], 0.7, {"medium"}),
    ("DS.AIRLIFT.STRAT", "Strategic airlift aircraft (A400M/C-17/MRTT class)", "logistics", "aircraft", BOTH, 0, [5, 10, 20], 0, {"override"}),
    ("DS.HELO.MEDIUM", "Medium/heavy transport helicopter", "air", "aircraft", DS, 5, [5, 10, 20, 30], 0.55, {"medium"}),
    ("DS.SAR.HELO", "Search-and-rescue helicopter", "air", "aircraft", BOTH, 2.5, [2, 5, 10], 0.6, {"coastal"}),
    ("DS.POWER.GEN", "Deployable power generation module (1 MW class)", "engineering", "system", DS, 6, [5, 10, 20, 30], 0.55, set()),
    ("DS.WATER.PUR", "Water purification unit", "logistics", "system", DS, 3, [10, 20, 30], 0.45, set()),
    ("DS.SIGNALS", "Signals company", "c2", "company", DS, 2.5, [5, 10, 20], 0.6, set()),
    ("DS.SATCOM", "Deployable satellite communications terminal", "space", "system", BOTH, 3, [2, 5, 10], 0.55, set()),
    ("DS.HQ.DEPLOY", "Deployable joint task force headquarters", "c2", "headquarters", BOTH, 0.4, [10, 20, 30], 0.5, {"large"}),
    ("DS.SHORAD", "Short-range air defence battery", "air", "system", BOTH, 2.5, [5, 10, 20, 30], 0.65, set()),
    ("DS.STRATCOM", "Strategic communications / counter-disinformation team", "c2", "team", DS, 1.5, [2, 5, 10], 0.6, set()),
    ("DS.INTEL.FUSION", "Intelligence fusion cell", "isr", "team", BOTH, 1.2, [2, 5, 10], 0.6, set()),
    ("DS.SPACE.GNSS", "GNSS interference monitoring team", "space", "team", BOTH, 0, [5, 10], 0, {"override"}),
    ("DS.DIVER", "Navy clearance diver team", "maritime", "team", BOTH, 3, [2, 5, 10], 0.5, {"coastal"}),
    ("DS.SEALIFT.ROLL", "Ro-Ro sealift vessel (assured access)", "logistics", "vessel", DS, 1, [20, 30, 60], 0.25, {"coastal", "medium"}),
    ("DS.FIREFIGHT.AIR", "Amphibious firefighting aircraft", "air", "aircraft", DS, 2, [2, 5], 0.7, {"firefight"}),
]
CAP_BY_CODE = {c[0]: c for c in CAPABILITIES}

# Capabilities that are often double-hatted for NATO
NATO_PRONE = {
    "BS.INF.MECH", "BS.FIGHTER.QRA", "BS.GBAD.MRAD", "BS.ASW.FRIGATE", "BS.MPA", "BS.AEW",
    "BS.MCM", "DS.SHORAD", "BS.HELO.UTIL", "DS.AIRLIFT.TAC", "DS.AIRLIFT.STRAT", "BS.RECCE",
    "BS.SOF", "BS.EW", "BS.CUAS", "BS.SURV.MALE", "BS.RADAR.AIR", "DS.HQ.DEPLOY",
    "DS.HELO.MEDIUM", "BS.SURV.UAS",
}
NEVER_NATO = {"BS.BG.TEAM", "DS.CIP.GUARD", "DS.INF.PATROL", "DS.GEND.FPU", "DS.STRATCOM",
              "DS.FIREFIGHT.AIR", "DS.CYBER.OT"}

# --------------------------------------------------------------------------
# Participation (methodology §10): how likely a state is to commit forces of a role
# when another state invokes Art. 42.7. Every PROBABILITY is INVENTED; the `source`
# says which public fact the rough ordering rests on (neutrality, a parliamentary
# mandate before an armed deployment abroad) or that there is none.
# --------------------------------------------------------------------------

INVENTED = "Probability invented for illustration"
PARTICIPATION = [
    # member_state, role ('*' = both; a role's own row wins), probability, source
    ("AT", "*", 0.8, f"{INVENTED}."),
    ("AT", "border_security", 0.35, f"{INVENTED}; lower because Austria is neutral (Neutrality Act 1955) and a deployment abroad needs the agreement of the Nationalrat's Main Committee (KSE-BVG 1997)."),
    ("BE", "*", 0.85, f"{INVENTED}; no prior parliamentary vote assumed."),
    ("BG", "*", 0.8, f"{INVENTED}."),
    ("CY", "*", 0.7, f"{INVENTED}."),
    ("CY", "border_security", 0.3, f"{INVENTED}; lower because Cyprus is in no military alliance and keeps its National Guard for its own territory."),
    ("CZ", "*", 0.75, f"{INVENTED}; somewhat lower because sending forces abroad needs the consent of both chambers (Constitution Art. 43)."),
    ("DE", "*", 0.85, f"{INVENTED}."),
    ("DE", "border_security", 0.7, f"{INVENTED}; lower because an armed deployment abroad needs a prior Bundestag mandate (Federal Constitutional Court 1994; Parlamentsbeteiligungsgesetz 2005)."),
    ("DK", "*", 0.8, f"{INVENTED}; somewhat lower because using force abroad needs the Folketing's consent (Constitution §19(2)); the defence opt-out ended in 2022."),
    ("EE", "*", 0.9, f"{INVENTED}."),
    ("EE", "border_security", 0.75, f"{INVENTED}; lower on the assumption that a front-line state keeps its border forces at home."),
    ("ES", "*", 0.8, f"{INVENTED}; somewhat lower because missions abroad need the prior authorisation of the Congreso (Ley Orgánica 5/2005, art. 17)."),
    ("FI", "*", 0.85, f"{INVENTED}; Parliament is consulted before giving military assistance (Act 418/2017)."),
    ("FR", "*", 0.95, f"{INVENTED}; high because the government decides and informs Parliament afterwards (Constitution Art. 35), and France itself invoked Art. 42.7 in 2015."),
    ("GR", "*", 0.8, f"{INVENTED}."),
    ("HR", "*", 0.8, f"{INVENTED}."),
    ("HU", "*", 0.75, f"{INVENTED}."),
    ("IE", "*", 0.75, f"{INVENTED}."),
    ("IE", "border_security", 0.25, f"{INVENTED}; lowest because of military neutrality and the 'triple lock' (Government, Dáil and a UN mandate for more than 12 troops, Defence Acts; its reform was under debate in 2024)."),
    ("IT", "*", 0.8, f"{INVENTED}; somewhat lower because Parliament authorises missions abroad (Law 145/2016)."),
    ("LT", "*", 0.9, f"{INVENTED}."),
    ("LT", "border_security", 0.75, f"{INVENTED}; lower on the assumption that a front-line state keeps its border forces at home."),
    ("LU", "*", 0.9, f"{INVENTED}."),
    ("LV", "*", 0.9, f"{INVENTED}."),
    ("LV", "border_security", 0.75, f"{INVENTED}; lower on the assumption that a front-line state keeps its border forces at home."),
    ("MT", "*", 0.7, f"{INVENTED}."),
    ("MT", "border_security", 0.2, f"{INVENTED}; lowest because neutrality is written into the Constitution (Art. 1(3))."),
    ("NL", "*", 0.8, f"{INVENTED}; somewhat lower because the government informs Parliament beforehand and seeks its support (Constitution Art. 100)."),
    ("PL", "*", 0.9, f"{INVENTED}."),
    ("PT", "*", 0.85, f"{INVENTED}."),
    ("RO", "*", 0.85, f"{INVENTED}."),
    ("SE", "*", 0.8, f"{INVENTED}; somewhat lower because sending armed forces abroad needs the Riksdag's approval (Instrument of Government)."),
    ("SI", "*", 0.8, f"{INVENTED}."),
    ("SK", "*", 0.8, f"{INVENTED}."),
]


# --------------------------------------------------------------------------
# Member-state profiles for the illustrative inventories
# --------------------------------------------------------------------------
# defence weight (rough, invented), coastal, external land border, file format,
# boolean spelling, as_of, target rows, sparse (leave defaults empty)
STATES = {
    "AT": dict(w=0.7, coastal=False, border=False, fmt="xlsx", bools="native", as_of="2026-02-13", rows=17, sparse=False),
    "BE": dict(w=0.7, coastal=True, border=False, fmt="csv", bools="tf", as_of="2026-03-20", rows=17, sparse=False),
    "BG": dict(w=1.0, coastal=True, border=True, fmt="xlsx", bools="native", as_of="2026-03-02", rows=14, sparse=False),
    "CY": dict(w=0.9, coastal=True, border=False, fmt="csv", bools="tf", as_of="2026-01-30", rows=9, sparse=True),
    "CZ": dict(w=0.9, coastal=False, border=False, fmt="csv", bools="10", as_of="2026-03-16", rows=16, sparse=False),
    "DE": dict(w=1.0, coastal=True, border=False, fmt="split", bools="tf", as_of="2026-03-31", rows=28, sparse=False),
    "DK": dict(w=1.0, coastal=True, border=False, fmt="xlsx", bools="native", as_of="2026-02-27", rows=16, sparse=False),
    "EE": dict(w=1.5, coastal=True, border=True, fmt="csv", bools="tf", as_of="2026-03-09", rows=14, sparse=True),
    "ES": dict(w=0.9, coastal=True, border=True, fmt="xlsx", bools="native", as_of="2026-03-27", rows=24, sparse=False),
    "FI": dict(w=1.6, coastal=True, border=True, fmt="xlsx", bools="native", as_of="2026-03-31", rows=22, sparse=False),
    "FR": dict(w=1.2, coastal=True, border=False, fmt="csv", bools="tf", as_of="2026-03-25", rows=27, sparse=False),
    "GR": dict(w=1.6, coastal=True, border=True, fmt="csv", bools="TF", as_of="2026-02-20", rows=20, sparse=False),
    "HR": dict(w=1.1, coastal=True, border=True, fmt="xlsx", bools="native", as_of="2026-03-05", rows=14, sparse=False),
    "HU": dict(w=1.0, coastal=False, border=True, fmt="csv", bools="tf", as_of="2026-03-12", rows=15, sparse=False),
    "IE": dict(w=0.45, coastal=True, border=False, fmt="xlsx", bools="native", as_of="2026-02-06", rows=13, sparse=False),
    "IT": dict(w=1.0, coastal=True, border=False, fmt="csv", bools="tf", as_of="2026-03-30", rows=25, sparse=False),
    "LT": dict(w=1.5, coastal=True, border=True, fmt="xlsx", bools="native", as_of="2026-03-18", rows=15, sparse=False),
    "LU": dict(w=0.5, coastal=False, border=False, fmt="csv", bools="tf", as_of="2026-01-23", rows=8, sparse=True),
    "LV": dict(w=1.5, coastal=True, border=True, fmt="csv", bools="tf", as_of="2026-02-27", rows=13, sparse=False),
    "MT": dict(w=0.6, coastal=True, border=False, fmt="xlsx", bools="native", as_of="2026-02-17", rows=8, sparse=True),
    "NL": dict(w=1.0, coastal=True, border=False, fmt="xlsx", bools="native", as_of="2026-03-24", rows=22, sparse=False),
    "PL": dict(w=1.8, coastal=True, border=True, fmt="csv", bools="yn", as_of="2026-03-31", rows=26, sparse=False),
    "PT": dict(w=1.0, coastal=True, border=False, fmt="xlsx", bools="native", as_of="2026-03-10", rows=16, sparse=False),
    "RO": dict(w=1.2, coastal=True, border=True, fmt="csv", bools="YN", as_of="2026-03-19", rows=20, sparse=False),
    "SE": dict(w=1.2, coastal=True, border=False, fmt="csv", bools="tf", as_of="2026-03-26", rows=22, sparse=False),
    "SI": dict(w=0.9, coastal=True, border=False, fmt="xlsx", bools="native", as_of="2026-02-24", rows=10, sparse=False),
    "SK": dict(w=1.0, coastal=False, border=True, fmt="csv", bools="tf", as_of="2026-03-04", rows=13, sparse=False),
}
NON_NATO = {"AT", "CY", "IE", "MT"}
TERRITORIAL = {"FI", "EE", "LV", "LT", "PL", "SE", "DK"}  # large territorial/home-guard components

COLUMNS = ["member_state", "capability_code", "quantity", "readiness_days", "availability",
           "deployable_abroad", "nato_committed", "available_from", "available_until", "as_of",
           "notes"]


def R(state, cap, qty, ready, avail=None, abroad=True, nato=None, frm=None, until=None, notes=""):
    """One hand-written inventory row (used for the scarce, scenario-critical capabilities)."""
    return dict(member_state=state, capability_code=cap, quantity=qty, readiness_days=ready,
                availability=avail, deployable_abroad=abroad, nato_committed=nato,
                available_from=frm, available_until=until, notes=notes)


# Scarce capabilities are written by hand so the Finnish scenario shows every kind of
# outcome (met / management shortfall / acquisition shortfall / gaps that open or close).
OVERRIDES = [
    # --- counter-UAS: plenty held, little of it at 5 days and free of NATO tasks; new systems 2027-2030
    R("DE", "BS.CUAS", 8, 20, 0.75, nato=0.5, notes="vehicle-mounted C-UAS, mostly assigned to NATO force model"),
    R("DE", "BS.CUAS", 6, 5, 0.85, nato=0.3, frm=2028, notes="planned: new short-range C-UAS batteries"),
    R("FR", "BS.CUAS", 6, 10, 0.8, nato=0.3, notes="counter-drone systems of the air force"),
    R("FR", "BS.CUAS", 4, 5, 0.9, frm=2029, notes="planned: laser/RF counter-drone systems"),
    R("PL", "BS.CUAS", 6, 5, 0.8, nato=0.5, notes="Sentinel-type C-UAS, eastern border"),
    R("PL", "BS.CUAS", 4, 5, 0.9, nato=0.4, frm=2028, notes="planned: second C-UAS battalion"),
    R("NL", "BS.CUAS", 3, 10, 0.8),
    R("FI", "BS.CUAS", 2, 2, 1.0, abroad=False, notes="national air defence tasks only"),
    R("SE", "BS.CUAS", 2, 5, 0.8, nato=0.3),
    R("RO", "BS.CUAS", 3, 30, 0.7, notes="legacy gun-based systems"),
    R("RO", "BS.CUAS", 4, 10, 0.9, frm=2030, notes="planned: acquisition under SAFE loans"),
    R("LT", "BS.CUAS", 2, 5, 1.0, abroad=False),
    R("IT", "BS.CUAS", 4, 20, 0.75, nato=0.3),
    R("IT", "BS.CUAS", 4, 5, 0.9, frm=2030, notes="planned"),
    R("ES", "BS.CUAS", 3, 30, 0.8),
    R("DK", "BS.CUAS", 2, 10, 0.9, nato=0.2, frm=2027, notes="planned: airport and harbour protection"),
    R("EE", "BS.CUAS", 1, 5, 1.0, abroad=False),
    # --- electronic warfare: the Union simply holds too few teams (acquisition)
    R("FR", "BS.EW", 2, 10, 0.75, nato=0.3),
    R("DE", "BS.EW", 2, 10, 0.7, nato=0.5),
    R("PL", "BS.EW", 1, 5, 1.0, nato=0.4),
    R("IT", "BS.EW", 1, 20, 0.8),
    R("FI", "BS.EW", 1, 5, 1.0, abroad=False),
    R("SE", "BS.EW", 1, 10, 0.9, frm=2031, notes="planned"),
    # --- OT/ICS security: acquisition gap until new teams stand up 2029-2030
    R("FI", "DS.CYBER.OT", 1, 2, 1.0, notes="energy-sector ICS team, National Cyber Security Centre support"),
    R("DE", "DS.CYBER.OT", 1, 5, 0.8),
    R("FR", "DS.CYBER.OT", 1, 5, 0.8),
    R("NL", "DS.CYBER.OT", 1, 5, 1.0),
    R("EE", "DS.CYBER.OT", 1, 2, 1.0, frm=2029, notes="planned"),
    R("SE", "DS.CYBER.OT", 1, 5, 1.0, frm=2029, notes="planned"),
    R("IT", "DS.CYBER.OT", 1, 5, 1.0, frm=2030, notes="planned"),
    R("ES", "DS.CYBER.OT", 1, 10, 1.0, frm=2030, notes="planned"),
    # --- cyber rapid response: many teams, few at 2 days' notice (management)
    R("FI", "DS.CYBER.RRT", 2, 2, 1.0),
    R("EE", "DS.CYBER.RRT", 2, 2, 1.0, nato=0.2, notes="cyber defence unit of the Defence League; partly volunteers"),
    R("FR", "DS.CYBER.RRT", 3, 2, 0.8, nato=0.3),
    R("LT", "DS.CYBER.RRT", 1, 2, 1.0),
    R("DE", "DS.CYBER.RRT", 3, 5, 0.8, nato=0.3),
    R("NL", "DS.CYBER.RRT", 2, 5, 1.0, nato=0.2),
    R("PL", "DS.CYBER.RRT", 2, 5, 1.0),
    R("SE", "DS.CYBER.RRT", 1, 5, 1.0),
    R("DK", "DS.CYBER.RRT", 1, 5, 1.0),
    R("AT", "DS.CYBER.RRT", 2, 5, 1.0),
    R("ES", "DS.CYBER.RRT", 2, 10, 1.0),
    R("IT", "DS.CYBER.RRT", 2, 10, 0.8),
    R("BE", "DS.CYBER.RRT", 1, 10, 1.0),
    R("CZ", "DS.CYBER.RRT", 1, 5, 1.0),
    R("LV", "DS.CYBER.RRT", 1, 5, 1.0),
    R("RO", "DS.CYBER.RRT", 1, 10, 1.0),
    R("PT", "DS.CYBER.RRT", 1, 10, 1.0),
    R("GR", "DS.CYBER.RRT", 1, 10, 1.0),
    R("IE", "DS.CYBER.RRT", 1, 10, 1.0),
    R("LU", "DS.CYBER.RRT", 1, 10, 1.0),
    # --- maritime patrol aircraft
    R("FR", "BS.MPA", 12, 10, 0.6, nato=0.5, notes="Atlantique 2 class"),
    R("DE", "BS.MPA", 5, 5, 0.7, nato=0.5, notes="P-8 class"),
    R("IT", "BS.MPA", 4, 10, 0.75, nato=0.3),
    R("ES", "BS.MPA", 4, 10, 0.75, nato=0.3),
    R("PT", "BS.MPA", 3, 10, 0.7, nato=0.3, until=2031, notes="P-3C class, retirement planned"),
    R("GR", "BS.MPA", 2, 20, 0.5, until=2029),
    R("IE", "BS.MPA", 2, 5, 0.8, notes="C-295 MPA; Air Corps"),
    R("SE", "BS.MPA", 2, 5, 1.0, nato=0.3, frm=2029, notes="planned: new maritime surveillance aircraft"),
    R("NL", "BS.MPA", 2, 5, 0.8, nato=0.3, frm=2032, notes="planned"),
    # --- seabed surveillance / ROV teams
    R("FR", "BS.SEABED.ROV", 2, 10, 0.8, notes="seabed warfare strategy"),
    R("NL", "BS.SEABED.ROV", 1, 5, 1.0),
    R("IT", "BS.SEABED.ROV", 2, 10, 0.8),
    R("DE", "BS.SEABED.ROV", 1, 10, 0.8),
    R("DK", "BS.SEABED.ROV", 1, 5, 1.0),
    R("SE", "BS.SEABED.ROV", 1, 5, 1.0),
    R("FI", "BS.SEABED.ROV", 1, 5, 1.0),
    R("IE", "BS.SEABED.ROV", 1, 5, 1.0, frm=2028, notes="planned: Naval Service seabed capability"),
    R("NL", "BS.SEABED.ROV", 1, 5, 1.0, frm=2028, notes="planned"),
    # --- airborne early warning
    R("FR", "BS.AEW", 4, 10, 0.6, nato=0.5),
    R("SE", "BS.AEW", 2, 5, 0.8, nato=0.4),
    R("IT", "BS.AEW", 2, 10, 0.7, nato=0.4),
    R("GR", "BS.AEW", 4, 10, 0.6, nato=0.3),
    R("PL", "BS.AEW", 2, 10, 1.0, nato=0.3, frm=2027, notes="planned"),
    # --- aeromedical evacuation
    R("DE", "DS.MED.AEROMEDEVAC", 3, 10, 0.8, nato=0.2),
    R("FR", "DS.MED.AEROMEDEVAC", 2, 10, 0.8),
    R("IT", "DS.MED.AEROMEDEVAC", 2, 10, 0.8),
    R("NL", "DS.MED.AEROMEDEVAC", 1, 10, 1.0),
    R("SE", "DS.MED.AEROMEDEVAC", 1, 5, 1.0),
    R("ES", "DS.MED.AEROMEDEVAC", 1, 10, 1.0),
    # --- strategic airlift (Luxembourg: A400M, cf. its 2015 offer of strategic airlift)
    R("DE", "DS.AIRLIFT.STRAT", 16, 10, 0.6, nato=0.3),
    R("FR", "DS.AIRLIFT.STRAT", 12, 10, 0.6, nato=0.3),
    R("ES", "DS.AIRLIFT.STRAT", 6, 10, 0.7, nato=0.3),
    R("IT", "DS.AIRLIFT.STRAT", 4, 10, 0.7),
    R("NL", "DS.AIRLIFT.STRAT", 2, 10, 0.8, notes="MRTT share; multinational fleet"),
    R("BE", "DS.AIRLIFT.STRAT", 4, 10, 0.7),
    R("LU", "DS.AIRLIFT.STRAT", 1, 10, 0.8, notes="A400M operated in a binational unit with Belgium"),
    R("PL", "DS.AIRLIFT.STRAT", 2, 20, 0.8, frm=2030, notes="planned"),
    # --- GNSS interference monitoring
    R("FI", "DS.SPACE.GNSS", 2, 5, 1.0),
    R("EE", "DS.SPACE.GNSS", 1, 5, 1.0),
    R("LV", "DS.SPACE.GNSS", 1, 10, 1.0),
    R("LT", "DS.SPACE.GNSS", 1, 10, 1.0),
    R("PL", "DS.SPACE.GNSS", 2, 5, 1.0),
    R("SE", "DS.SPACE.GNSS", 1, 5, 1.0),
    R("DE", "DS.SPACE.GNSS", 1, 10, 1.0, frm=2027, notes="planned"),
    # --- tactical border-surveillance UAS: enough today; Finland's legacy systems retire after 2030
    R("FI", "BS.SURV.UAS", 6, 10, 1.0, until=2030, notes="legacy mini-UAS; replacement not yet funded"),
    R("DE", "BS.SURV.UAS", 8, 10, 0.75, nato=0.4),
    R("PL", "BS.SURV.UAS", 6, 5, 1.0, nato=0.3),
    R("ES", "BS.SURV.UAS", 4, 20, 0.8),
    R("EE", "BS.SURV.UAS", 2, 10, 1.0, abroad=False),
    R("LT", "BS.SURV.UAS", 2, 20, 1.0),
    R("LV", "BS.SURV.UAS", 1, 20, 1.0),
    R("GR", "BS.SURV.UAS", 3, 20, 0.7),
    R("RO", "BS.SURV.UAS", 3, 30, 0.8),
    R("HU", "BS.SURV.UAS", 1, 20, 1.0),
    R("BG", "BS.SURV.UAS", 1, 20, 1.0),
    R("SE", "BS.SURV.UAS", 4, 30, 0.9, abroad=False),
    # --- land-border surveillance teams (mostly held by the border states themselves)
    R("FI", "BS.SURV.LAND", 10, 5, 1.0, abroad=False, notes="Rajavartiolaitos / Border Guard sensor teams"),
    R("FI", "BS.SURV.LAND", 4, 20, 0.8, abroad=False, notes="reserve teams; mobilisation required"),
    R("PL", "BS.SURV.LAND", 12, 5, 0.8),
    R("LT", "BS.SURV.LAND", 3, 5, 1.0),
    R("LV", "BS.SURV.LAND", 2, 5, 1.0),
    R("EE", "BS.SURV.LAND", 2, 5, 1.0),
    R("GR", "BS.SURV.LAND", 6, 5, 0.8, abroad=False, notes="Evros sector"),
    R("RO", "BS.SURV.LAND", 4, 10, 0.8),
    R("HU", "BS.SURV.LAND", 2, 10, 1.0, abroad=False),
    R("BG", "BS.SURV.LAND", 2, 10, 0.8),
    R("HR", "BS.SURV.LAND", 2, 10, 0.8),
    R("SK", "BS.SURV.LAND", 2, 5, 1.0),
    # --- barrier engineers
    R("PL", "BS.ENG.BARRIER", 6, 10, 0.8, notes="East Shield programme"),
    R("FI", "BS.ENG.BARRIER", 4, 20, 1.0),
    R("LT", "BS.ENG.BARRIER", 2, 20, 1.0),
    R("LV", "BS.ENG.BARRIER", 1, 20, 1.0),
    R("EE", "BS.ENG.BARRIER", 1, 20, 1.0),
    R("HU", "BS.ENG.BARRIER", 2, 20, 1.0, abroad=False),
    R("BG", "BS.ENG.BARRIER", 2, 20, 0.8),
    R("DE", "BS.ENG.BARRIER", 6, 30, 0.7),
    R("NL", "BS.ENG.BARRIER", 2, 20, 1.0),
    R("RO", "BS.ENG.BARRIER", 2, 20, 0.8),
    # --- border guards: never deployable abroad (national border police)
    R("GR", "BS.BG.TEAM", 16, 2, 0.8, abroad=False, notes="border guard; Evros and islands"),
    R("GR", "BS.BG.TEAM", 8, 5, 0.8, abroad=False, notes="border guard; reinforcement"),
    # --- critical-infrastructure protection in Finland (local defence)
    R("FI", "DS.CIP.GUARD", 12, 5, 1.0, abroad=False, notes="paikallispuolustus (local defence)"),
    # --- deployable power generation
    R("DE", "DS.POWER.GEN", 16, 10, 0.8, notes="THW and Bundeswehr modules"),
    R("FI", "DS.POWER.GEN", 6, 20, 1.0, abroad=False),
    R("BE", "DS.POWER.GEN", 4, 5, 1.0),
    R("AT", "DS.POWER.GEN", 4, 10, 1.0, abroad=False),
    R("SI", "DS.POWER.GEN", 2, 10, 1.0),
    # --- strategic communications / counter-disinformation
    R("FI", "DS.STRATCOM", 2, 5, 1.0),
    R("SE", "DS.STRATCOM", 2, 5, 1.0, notes="with the Psychological Defence Agency"),
    R("EE", "DS.STRATCOM", 1, 5, 1.0),
    R("LT", "DS.STRATCOM", 1, 5, 1.0, abroad=False),
    R("LV", "DS.STRATCOM", 1, 2, 1.0),
    R("NL", "DS.STRATCOM", 1, 5, 1.0),
    R("CZ", "DS.STRATCOM", 1, 10, 1.0),
    R("PL", "DS.STRATCOM", 1, 5, 1.0),
    # --- Poland's border reinforcement (cf. a reaction force deployable within 48 hours, 2024)
    R("PL", "BS.INF.MECH", 6, 2, 1.0, notes="reaction force, 48 h"),
    R("PL", "BS.INF.MECH", 18, 30, 0.8, nato=0.4),
    # --- France's own domestic security forces and Austria's territorial forces
    R("FR", "DS.GEND.FPU", 12, 5, 0.9, notes="escadrons de gendarmerie mobile"),
    R("FR", "DS.INTEL.FUSION", 3, 2, 0.8),
    R("FR", "DS.CBRN.DEF", 4, 5, 1.0),
    R("AT", "DS.CIP.GUARD", 6, 5, 1.0, abroad=False, notes="Miliz; Assistenzeinsatz im Inland"),
    R("AT", "DS.CIP.GUARD", 6, 20, 0.8, abroad=False, notes="Miliz; mobilisation required"),
    # --- intelligence fusion cells
    R("NL", "DS.INTEL.FUSION", 2, 5, 1.0),
    R("EE", "DS.INTEL.FUSION", 1, 2, 1.0),
    R("ES", "DS.INTEL.FUSION", 1, 5, 1.0),
    # --- France's domestic security operation (cf. Operation Sentinelle: about 7,000 troops
    #     permanently, surge to 10,000; a company taken as about 140 troops)
    R("FR", "DS.INF.PATROL", 36, 2, 1.0, abroad=False, notes="Opération Sentinelle, permanent posture"),
    R("FR", "DS.INF.PATROL", 14, 10, 0.9, abroad=False, notes="surge companies (up to 10,000 troops)"),
    # --- utility helicopters: enough at 10 days today; a transition gap 2029 as old fleets retire
    R("FI", "BS.HELO.UTIL", 8, 5, 0.75, notes="NH90 class"),
    R("SE", "BS.HELO.UTIL", 8, 10, 0.75, nato=0.25, until=2028, notes="legacy fleet, retirement planned"),
    R("DE", "BS.HELO.UTIL", 24, 20, 0.6, nato=0.4),
    R("DE", "BS.HELO.UTIL", 10, 10, 0.7, nato=0.5),
    R("PL", "BS.HELO.UTIL", 14, 10, 0.7, nato=0.4, until=2028, notes="Mi-8/Mi-17 class, retirement planned"),
    R("PL", "BS.HELO.UTIL", 12, 10, 0.8, nato=0.4, frm=2030, notes="planned: new utility helicopters"),
    R("NL", "BS.HELO.UTIL", 6, 10, 1.0, nato=0.3),
    R("FR", "BS.HELO.UTIL", 20, 20, 0.6, nato=0.3),
    R("IT", "BS.HELO.UTIL", 18, 20, 0.65),
    R("ES", "BS.HELO.UTIL", 14, 30, 0.7),
    R("LT", "BS.HELO.UTIL", 3, 5, 1.0, nato=0.3),
    R("DK", "BS.HELO.UTIL", 4, 10, 0.75, nato=0.3, until=2029),
    R("AT", "BS.HELO.UTIL", 8, 10, 0.8, abroad=False, notes="disaster relief at home first"),
    R("CZ", "BS.HELO.UTIL", 6, 20, 0.8),
    R("HU", "BS.HELO.UTIL", 6, 20, 0.8),
    R("RO", "BS.HELO.UTIL", 8, 30, 0.7),
    R("GR", "BS.HELO.UTIL", 10, 20, 0.6),
    R("PT", "BS.HELO.UTIL", 4, 20, 0.8),
    R("BE", "BS.HELO.UTIL", 4, 20, 0.8),
    R("SK", "BS.HELO.UTIL", 4, 10, 0.8, nato=0.3),
    R("IE", "BS.HELO.UTIL", 3, 10, 0.7),
    R("HR", "BS.HELO.UTIL", 6, 20, 0.8),
    R("BG", "BS.HELO.UTIL", 4, 30, 0.6),
    R("CY", "BS.HELO.UTIL", 2, 10, 0.6, abroad=False),
]

NOTES_PLANNED = ["planned: delivery contracted", "planned: new systems entering service",
                 "planned, subject to budget", "planned: capability goal 2030"]
NOTES_RETIRE = ["legacy equipment, retirement planned", "out-of-service date announced",
                "to be replaced; no successor funded yet"]
NOTES_MISC = ["", "", "", "", "", "", "availability reduced by training cycle"]
NOTES_MAINT = ["one unit in maintenance until Q3", "availability reduced by training cycle",
               "maintenance backlog"]
NOTES_SLOW = ["reserve unit; mobilisation required", "includes reservists", ""]
# Home-only land units: the national territorial / home-guard force (names are real
# institutions; the figures attached to them are not).
TERRITORIAL_NOTES = {
    "DE": "Heimatschutzkräfte, nur Inland", "FI": "paikallispuolustus (local defence)",
    "SE": "Hemvärnet (Home Guard), nationellt", "PL": "Wojska Obrony Terytorialnej (WOT)",
    "HU": "területvédelmi erők (territorial defence)", "CZ": "aktivní záloha (active reserve)",
    "GR": "Εθνοφυλακή (National Guard)", "FR": "Garde nationale ; réservistes",
    "DK": "Hjemmeværnet (Home Guard)", "EE": "Kaitseliit (Defence League)",
    "LV": "Zemessardze (National Guard)", "LT": "KASP (volunteer forces)",
    "AT": "Miliz; Assistenzeinsatz im Inland", "IE": "Reserve Defence Forces; home only",
    "RO": "rezerviști; misiuni naționale", "NL": "Natres (national reserve)",
}
GEND_NOTES = {
    "ES": "Guardia Civil", "IT": "Arma dei Carabinieri", "PT": "GNR – Guarda Nacional Republicana",
    "RO": "Jandarmeria Română", "FR": "escadrons de gendarmerie mobile",
    "NL": "Koninklijke Marechaussee", "PL": "Żandarmeria Wojskowa",
}
SLOW_NOTES_LOCAL = {"DE": "Bereitschaft nach Mobilmachung", "FI": "reserviläisiä (reservists)",
                    "SE": "beredskap enligt plan", "IT": "prontezza ridotta"}


def size_factor(gdp_meur: float, weight: float) -> float:
    return math.sqrt(gdp_meur / 500000.0) * weight


def load_member_states() -> tuple[str, list[dict]]:
    """The embedded copy, so that the script needs no file outside the repository."""
    text = MEMBER_STATES_CSV
    rows = list(csv.DictReader(io.StringIO(text)))
    return text, rows


# --------------------------------------------------------------------------
# Inventory generation
# --------------------------------------------------------------------------

# Which further capabilities each state declares, in order of priority (invented, but
# chosen to be plausible: gendarmeries where they exist, border guards on external
# borders, navies only on coasts, fighters where air forces fly them ...). The
# hand-written OVERRIDES rows come on top.
PORTFOLIOS = {
    "DE": ["BS.INF.MECH", "BS.INF.LIGHT", "BS.MP", "DS.CIP.GUARD", "BS.FIGHTER.QRA", "BS.GBAD.MRAD",
           "DS.SHORAD", "DS.MED.ROLE2", "DS.EOD", "DS.CBRN.DEF", "BS.ASW.FRIGATE",
           "DS.HELO.MEDIUM", "DS.POWER.GEN", "BS.SURV.UAS"],
    "FR": ["DS.GEND.FPU", "BS.INF.LIGHT", "BS.INF.MECH", "BS.FIGHTER.QRA", "BS.SOF",
           "DS.EOD", "DS.CBRN.DEF", "DS.MED.ROLE2", "DS.INTEL.FUSION", "DS.HELO.MEDIUM",
           "DS.AIRLIFT.TAC", "DS.SATCOM"],
    "IT": ["DS.GEND.FPU", "BS.INF.LIGHT", "BS.INF.MECH", "BS.FIGHTER.QRA", "DS.SHORAD",
           "BS.ASW.FRIGATE", "BS.OPV", "BS.PATROL.COAST", "BS.MCM", "DS.EOD", "DS.MED.ROLE2",
           "DS.HELO.MEDIUM", "BS.SURV.MALE", "DS.HQ.DEPLOY"],
    "ES": ["DS.GEND.FPU", "BS.BG.TEAM", "BS.INF.LIGHT", "BS.INF.MECH", "BS.FIGHTER.QRA", "BS.OPV",
           "BS.PATROL.COAST", "BS.ASW.FRIGATE", "BS.RADAR.COAST", "BS.SURV.UAS", "DS.MED.ROLE2",
           "DS.EOD", "DS.AIRLIFT.TAC", "DS.FIREFIGHT.AIR", "DS.SAR.HELO", "DS.ENG.CONSTR", "BS.K9"],
    "PL": ["BS.INF.MECH", "BS.INF.LIGHT", "BS.BG.TEAM", "BS.SURV.LAND", "BS.SURV.UAS",
           "BS.ENG.BARRIER", "BS.GBAD.MRAD", "DS.SHORAD", "BS.FIGHTER.QRA", "DS.CIP.GUARD",
           "DS.GEND.FPU", "BS.MP", "DS.EOD", "DS.TRANS.ROAD", "DS.MED.ROLE1", "DS.ENG.CONSTR"],
    "NL": ["BS.INF.LIGHT", "DS.GEND.FPU", "BS.FIGHTER.QRA", "BS.GBAD.MRAD", "BS.ASW.FRIGATE",
           "BS.MCM", "DS.DIVER", "DS.MED.ROLE1", "DS.HELO.MEDIUM", "DS.AIRLIFT.TAC",
           "DS.INTEL.FUSION", "DS.CIP.GUARD"],
    "SE": ["BS.INF.LIGHT", "DS.CIP.GUARD", "BS.FIGHTER.QRA", "BS.PATROL.COAST", "BS.OPV",
           "BS.RADAR.COAST", "BS.MCM", "DS.EOD", "DS.HELO.MEDIUM", "BS.SURV.UAS", "DS.STRATCOM"],
    "FI": ["BS.BG.TEAM", "BS.SURV.LAND", "BS.SURV.UAS", "BS.INF.LIGHT", "BS.INF.MECH",
           "BS.ENG.BARRIER", "DS.CIP.GUARD", "BS.FIGHTER.QRA", "BS.PATROL.COAST", "BS.MCM",
           "DS.POWER.GEN", "DS.EOD", "DS.STRATCOM", "DS.MED.ROLE1"],
    "GR": ["BS.BG.TEAM", "BS.SURV.LAND", "BS.SURV.UAS", "BS.OPV", "BS.PATROL.COAST",
           "BS.ASW.FRIGATE", "BS.FIGHTER.QRA", "BS.GBAD.MRAD", "BS.INF.MECH", "BS.INF.LIGHT",
           "DS.CIP.GUARD", "DS.FIREFIGHT.AIR", "DS.MED.ROLE1", "DS.WATER.PUR", "DS.SHORAD"],
    "RO": ["DS.GEND.FPU", "BS.BG.TEAM", "BS.SURV.LAND", "BS.SURV.UAS", "BS.INF.MECH",
           "BS.INF.LIGHT", "BS.FIGHTER.QRA", "DS.SHORAD", "BS.RADAR.AIR", "BS.RADAR.COAST",
           "BS.PATROL.COAST", "BS.ASW.FRIGATE", "DS.EOD", "DS.CIP.GUARD", "DS.MED.ROLE1"],
    "BE": ["BS.INF.LIGHT", "BS.INF.MECH", "BS.FIGHTER.QRA", "BS.MCM", "BS.ASW.FRIGATE", "BS.SOF",
           "DS.EOD", "DS.MED.ROLE1", "DS.CBRN.DEF", "DS.AIRLIFT.TAC", "DS.INF.PATROL",
           "DS.POWER.GEN", "DS.SIGNALS", "BS.RECCE"],
    "AT": ["BS.INF.LIGHT", "BS.INF.MECH", "DS.CIP.GUARD", "DS.INF.PATROL", "BS.FIGHTER.QRA",
           "DS.SHORAD", "DS.CBRN.DEF", "DS.CBRN.LAB", "DS.ENG.CONSTR", "DS.POWER.GEN",
           "DS.WATER.PUR", "DS.MED.ROLE1", "DS.SIGNALS", "DS.EOD"],
    "DK": ["BS.INF.MECH", "DS.CIP.GUARD", "BS.FIGHTER.QRA", "BS.ASW.FRIGATE", "BS.OPV",
           "BS.PATROL.COAST", "BS.MCM", "DS.DIVER", "DS.EOD", "DS.SAR.HELO", "DS.SHORAD",
           "DS.SEALIFT.ROLL"],
    "CZ": ["BS.INF.MECH", "BS.INF.LIGHT", "DS.CBRN.DEF", "DS.CBRN.LAB", "BS.FIGHTER.QRA",
           "DS.SHORAD", "DS.MED.ROLE2", "BS.MP", "DS.EOD", "DS.ENG.CONSTR", "DS.LOG.FUEL",
           "DS.SIGNALS", "BS.RADAR.AIR", "DS.TRANS.ROAD"],
    "PT": ["DS.GEND.FPU", "BS.INF.LIGHT", "BS.OPV", "BS.PATROL.COAST", "BS.ASW.FRIGATE",
           "BS.FIGHTER.QRA", "DS.FIREFIGHT.AIR", "DS.SAR.HELO", "DS.DIVER", "DS.EOD",
           "DS.MED.ROLE1", "BS.SOF", "BS.RADAR.COAST"],
    "HU": ["BS.BG.TEAM", "BS.INF.MECH", "BS.INF.LIGHT", "BS.SURV.LAND", "BS.SURV.UAS",
           "BS.ENG.BARRIER", "BS.FIGHTER.QRA", "BS.K9", "BS.MP", "DS.CIP.GUARD", "DS.MED.ROLE1",
           "DS.ENG.BRIDGE", "DS.TRANS.ROAD"],
    "BG": ["BS.BG.TEAM", "BS.SURV.LAND", "BS.ENG.BARRIER", "BS.INF.MECH", "BS.INF.LIGHT", "BS.MP",
           "BS.FIGHTER.QRA", "BS.PATROL.COAST", "BS.ASW.FRIGATE", "BS.MCM", "DS.EOD",
           "DS.MED.ROLE1", "BS.SURV.UAS"],
    "HR": ["BS.BG.TEAM", "BS.SURV.LAND", "BS.INF.MECH", "BS.INF.LIGHT", "BS.FIGHTER.QRA",
           "BS.PATROL.COAST", "BS.OPV", "DS.FIREFIGHT.AIR", "DS.SAR.HELO", "DS.EOD",
           "DS.ENG.CONSTR", "DS.MED.ROLE1"],
    "SK": ["BS.BG.TEAM", "BS.SURV.LAND", "BS.INF.MECH", "BS.INF.LIGHT", "BS.FIGHTER.QRA",
           "DS.SHORAD", "BS.MP", "DS.EOD", "DS.CBRN.DEF", "DS.ENG.CONSTR", "DS.MED.ROLE1"],
    "IE": ["BS.INF.LIGHT", "BS.OPV", "BS.PATROL.COAST", "DS.DIVER", "DS.EOD", "DS.MED.ROLE1",
           "BS.RADAR.COAST", "DS.SAR.HELO", "DS.CIP.GUARD"],
    "LT": ["BS.BG.TEAM", "BS.SURV.LAND", "BS.SURV.UAS", "BS.INF.MECH", "BS.INF.LIGHT",
           "DS.CIP.GUARD", "BS.ENG.BARRIER", "BS.MP", "DS.STRATCOM", "BS.MCM"],
    "LV": ["BS.BG.TEAM", "BS.SURV.LAND", "BS.SURV.UAS", "BS.INF.LIGHT", "DS.CIP.GUARD",
           "BS.ENG.BARRIER", "BS.MCM", "BS.PATROL.COAST", "DS.EOD", "DS.STRATCOM", "DS.MED.ROLE1"],
    "EE": ["BS.BG.TEAM", "BS.SURV.LAND", "BS.INF.LIGHT", "DS.CIP.GUARD", "DS.STRATCOM", "BS.MCM",
           "DS.EOD", "BS.SURV.UAS", "DS.INTEL.FUSION"],
    "SI": ["BS.INF.MECH", "BS.INF.LIGHT", "BS.MP", "DS.EOD", "DS.CBRN.DEF", "BS.PATROL.COAST",
           "DS.MED.ROLE1", "DS.POWER.GEN", "DS.ENG.CONSTR", "BS.SOF"],
    "LU": ["BS.INF.LIGHT", "DS.SATCOM", "BS.SURV.SAT", "DS.TRANS.ROAD", "DS.MED.ROLE1",
           "DS.WATER.PUR"],
    "CY": ["BS.INF.MECH", "BS.PATROL.COAST", "BS.OPV", "BS.RADAR.COAST", "BS.SOF", "DS.SHORAD",
           "DS.FIREFIGHT.AIR"],
    "MT": ["BS.INF.LIGHT", "BS.PATROL.COAST", "BS.OPV", "BS.RADAR.COAST", "DS.SAR.HELO", "DS.EOD",
           "DS.DIVER"],
}


def load_member_states_gdp(states: list[dict]) -> dict[str, float]:
    return {r["code"]: float(r["gdp_meur"]) for r in states}


def generate_inventories(rng: random.Random, states: list[dict]) -> dict[str, list[dict]]:
    gdp = load_member_states_gdp(states)
    out: dict[str, list[dict]] = {}
    for code, prof in STATES.items():
        s = size_factor(gdp[code], prof["w"])
        rows = [dict(r) for r in OVERRIDES if r["member_state"] == code]
        own = {r["capability_code"] for r in rows}
        portfolio = [c for c in PORTFOLIOS[code] if c not in own]  # hand-written rows win
        spare = prof["rows"] - len(rows) - len(portfolio)  # rows left for readiness tiers
        for ccode in portfolio:
            cap = CAP_BY_CODE[ccode]
            _c, _name, domain, _unit, _roles, base, ready_opts, _common, tags = cap
            qty = max(1, round(base * s * rng.uniform(0.7, 1.3)))
            home_only = "homeonly" in tags
            if "cip" in tags:
                home_only = rng.random() < 0.8
            elif ccode == "DS.INF.PATROL":
                home_only = rng.random() < 0.5
            elif code in NON_NATO:
                home_only = home_only or rng.random() < 0.35
            elif code in TERRITORIAL and ccode == "BS.INF.LIGHT":
                home_only = rng.random() < 0.4
            else:
                home_only = home_only or rng.random() < 0.06
            ready = rng.choice(ready_opts)
            avail = rng.choice([None, 1.0, 0.9, 0.85, 0.8, 0.8, 0.75, 0.7, 0.7, 0.6, 0.5])
            nato = None
            if code not in NON_NATO and ccode not in NEVER_NATO and not home_only:
                p = 0.45 if ccode in NATO_PRONE else 0.1
                if rng.random() < p:
                    nato = rng.choice([0.2, 0.25, 0.3, 0.4, 0.5, 0.6])
            frm = until = None
            roll = rng.random()
            equipment = _unit in ("system", "aircraft", "vessel", "facility")
            if roll < 0.08 and (equipment or _unit == "team") and ccode != "BS.BG.TEAM":
                frm = rng.randint(2027, 2032)  # new systems / new teams stood up
                qty = max(1, round(qty * 0.4))
                notes = rng.choice(NOTES_PLANNED)
            elif roll < 0.18 and equipment:
                until = rng.randint(2027, 2033)  # legacy platforms leaving service
                notes = rng.choice(NOTES_RETIRE)
            elif ccode == "BS.BG.TEAM":
                notes = "border guard; interior ministry; home territory only"
            elif ccode == "DS.GEND.FPU" and code in GEND_NOTES:
                notes = GEND_NOTES[code]
            elif home_only:
                if domain == "land":
                    notes = TERRITORIAL_NOTES.get(code, "conscript-based; not deployable abroad")
                else:
                    notes = "national caveat: home territory only"
            elif ready >= 30 and domain in ("land", "engineering"):
                notes = SLOW_NOTES_LOCAL.get(code) or rng.choice(NOTES_SLOW)
            elif avail is not None and avail < 0.75:
                notes = rng.choice(NOTES_MAINT)
            else:
                notes = rng.choice(NOTES_MISC)
                if ccode.startswith("DS.") and rng.random() < 0.2:
                    notes = "shared with civil protection tasks"
            base_row = R(code, ccode, qty, ready, avail, abroad=not home_only, nato=nato,
                         frm=frm, until=until, notes=notes)
            # Larger land holdings: a high-readiness element and a slower remainder.
            if (spare > 0 and domain == "land" and qty >= 6 and rng.random() < 0.6
                    and frm is None and until is None):
                spare -= 1
                fast = max(1, qty // 4)
                slow_opts = [d for d in ready_opts if d > ready_opts[0]] or [ready_opts[-1]]
                rows.append({**base_row, "quantity": fast, "readiness_days": ready_opts[0],
                             "notes": "high-readiness element"})
                rows.append({**base_row, "quantity": qty - fast,
                             "readiness_days": max(rng.choice(slow_opts), ready)})
            else:
                rows.append(base_row)
        # Keep a stable, planner-like order: by capability code then readiness.
        rows.sort(key=lambda r: (r["capability_code"], r["readiness_days"]))
        out[code] = rows
    return out


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------

def fmt_bool(value: bool | None, style: str):
    if value is None:
        return None
    return {
        "native": value,
        "tf": "true" if value else "false",
        "TF": "TRUE" if value else "FALSE",
        "yn": "yes" if value else "no",
        "YN": "Y" if value else "N",
        "10": "1" if value else "0",
    }[style]


def present(row: dict, prof: dict, state_col: str | None = None) -> list:
    """Turn an inventory row into output cells for a state's file conventions."""
    sparse = prof["sparse"]
    non_nato = row["member_state"] in NON_NATO
    abroad = row["deployable_abroad"]
    avail = row["availability"]
    nato = row["nato_committed"]
    if not sparse:
        avail = 1.0 if avail is None else avail
        nato = (None if non_nato else 0.0) if nato is None else nato
    else:
        abroad = None if abroad is True else abroad
        avail = None if avail == 1.0 else avail
    return [
        state_col or row["member_state"],
        row["capability_code"],
        row["quantity"],
        row["readiness_days"],
        avail,
        fmt_bool(abroad, prof["bools"]) if not isinstance(abroad, str) else abroad,
        nato,
        row["available_from"],
        row["available_until"],
        row.get("as_of"),
        row["notes"] or None,
    ]


def csv_cell(v):
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e9:
        return f"{v:.1f}" if v in (0.0, 1.0) else str(int(v))
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v)


def write_csv(path: Path, header: list[str], rows: list[list], bom: bool = False) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([csv_cell(v) for v in r])
    data = buf.getvalue().encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)


def _deterministic_xlsx(wb: openpyxl.Workbook, path: Path) -> None:
    """Save a workbook so that the bytes do not depend on the clock."""
    wb.properties.created = FIXED_DOC_TIME
    wb.properties.creator = "make_sample_data.py (illustrative)"
    wb.properties.description = ILLUSTRATIVE
    raw = io.BytesIO()
    wb.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    stamp = FIXED_DOC_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in sorted(zin.infolist(), key=lambda i: i.filename):
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, data)
    path.write_bytes(out.getvalue())


def write_xlsx(path: Path, sheet: str, header: list[str], rows: list[list],
               instructions: list[str] | None = None) -> None:
    wb = openpyxl.Workbook()
    ws0 = wb.active
    if instructions:
        ws0.title = "instructions"
        for i, line in enumerate(instructions, start=1):
            ws0.cell(row=i, column=1, value=line)
        ws0["A1"].font = Font(bold=True)
        ws0.column_dimensions["A"].width = 110
        ws = wb.create_sheet(sheet)
    else:
        ws0.title = sheet
        ws = ws0
    ws.append(header)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append(r)
    for col, width in zip("ABCDEFGHIJK", [13, 20, 9, 15, 12, 18, 15, 15, 15, 12, 50]):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    _deterministic_xlsx(wb, path)


def as_of_value(text: str, fmt: str):
    return dt.date.fromisoformat(text) if fmt == "xlsx" else text


# --------------------------------------------------------------------------
# Inventory files, including the deliberate imperfections
# --------------------------------------------------------------------------

def build_inventory_files(inv: dict[str, list[dict]], out_dir: Path) -> list[dict]:
    """Write the submissions; return a list of the deliberate bad rows."""
    bad: list[dict] = []
    header = list(COLUMNS)

    def rows_for(code: str, rows: list[dict], fmt: str, as_of: str, state_col=None):
        prof = STATES[code]
        cells = []
        for r in rows:
            r = {**r, "as_of": as_of_value(as_of, fmt)}
            cells.append(present(r, prof, state_col))
        return cells

    def find(cells, cap):
        for i, c in enumerate(cells):
            if c[1] == cap:
                return i
        raise KeyError(cap)

    def note_bad(file, cells, idx, column):
        # keep the row object; its row number is computed once the file's rows are final
        bad.append(dict(file=file, cells=cells, row=cells[idx], column=column,
                        value=cells[idx][COLUMNS.index(column)], capability=cells[idx][1]))

    for code, prof in STATES.items():
        rows = inv[code]
        as_of = prof["as_of"]
        year = as_of[:4]
        if prof["fmt"] == "split":
            def is_land(r):  # army units: land, engineer, CBRN and medical units on the ground
                cap = CAP_BY_CODE[r["capability_code"]]
                return (cap[2] in ("land", "engineering", "cbrn", "medical")
                        and cap[3] not in ("aircraft", "vessel"))
            land = [r for r in rows if is_land(r)]
            other = [r for r in rows if not is_land(r)]
            write_csv(out_dir / f"inventory_{code}_{year}_part1_land_forces.csv", header,
                      rows_for(code, land, "csv", as_of))
            write_xlsx(out_dir / f"inventory_{code}_{year}_part2_air_maritime_enablers.xlsx",
                       "inventory", header, rows_for(code, other, "xlsx", as_of))
            continue

        fmt = prof["fmt"]
        state_col = "EL" if code == "GR" else None
        cells = rows_for(code, rows, fmt, as_of, state_col)
        name = f"inventory_{code}_{year}.{fmt}"

        if code == "HU":  # readiness written as text; an unknown capability code
            i = find(cells, "BS.SURV.LAND") if any(c[1] == "BS.SURV.LAND" for c in cells) else 3
            cells[i][3] = "2 weeks"
            note_bad(name, cells, i, "readiness_days")
            sat = [code, "BS.SURV.SATX", 1, 5, 1.0, "true", 0.0, None, None, as_of,
                   "new satellite imagery service, code to be confirmed"]
            cells.insert(9, sat)
            note_bad(name, cells, 9, "capability_code")
        if code == "BG":  # negative quantity; availability above 1
            cells[2][2] = -2
            cells[2][10] = "2 units withdrawn from service"
            note_bad(name, cells, 2, "quantity")
            cells[6][4] = 1.5
            note_bad(name, cells, 6, "availability")
        if code == "SK":  # a row for a non-member state pasted from a bilateral template
            uk = ["UK", "BS.INF.LIGHT", 2, 10, 1.0, "true", 0.0, None, None, as_of,
                  "row pasted from a bilateral exercise template"]
            cells.insert(5, uk)
            note_bad(name, cells, 5, "member_state")
        if code == "PT":  # available_until before available_from (years swapped)
            i = 4
            cells[i][7], cells[i][8] = 2030, 2028
            cells[i][10] = "replacement programme"
            note_bad(name, cells, i, "available_until")

        if fmt == "csv":
            hdr = header
            if code == "IT":
                hdr = [" Member_State ", " CAPABILITY_CODE ", " Quantity ", " Readiness_Days ",
                       " Availability ", " Deployable_Abroad ", " NATO_Committed ",
                       " Available_From ", " Available_Until ", " As_Of ", " Notes "]
            write_csv(out_dir / name, hdr, cells, bom=(code == "SE"))
        else:
            instructions = None
            if code == "NL":
                instructions = [
                    "Capability inventory submission - instructions (ILLUSTRATIVE SAMPLE)",
                    "Fill in one row per capability code and readiness level on the sheet 'inventory'.",
                    "quantity: units held; readiness_days: notice to move in days (0-365).",
                    "availability: share of quantity actually available (0-1).",
                    "deployable_abroad: FALSE if the unit may act only on national territory.",
                    "nato_committed: share also committed to NATO (single set of forces).",
                    "available_from / available_until: first / last year in service (blank = open).",
                    "as_of: date of this submission. Do not rename the sheet 'inventory'.",
                ]
            write_xlsx(out_dir / name, "inventory", header, cells, instructions)

    # Latvia: an OLDER submission (autumn 2025) superseded by the 2026 one.
    old_rows = []
    for r in inv["LV"]:
        r = dict(r)
        if r["capability_code"] == "DS.SPACE.GNSS":
            continue  # stood up after the autumn 2025 submission
        if r["capability_code"] in ("BS.INF.LIGHT", "DS.CIP.GUARD"):
            r["quantity"] = max(1, r["quantity"] - 1)
        if r["capability_code"] == "DS.CYBER.RRT":
            r["readiness_days"] = 10
        old_rows.append(r)
    old_rows.append(R("LV", "BS.PATROL.COAST", 2, 10, 0.5, notes="decommissioned early 2026"))
    old_rows.sort(key=lambda r: (r["capability_code"], r["readiness_days"]))
    write_xlsx(out_dir / "inventory_LV_2025_autumn.xlsx", "inventory", header,
               rows_for("LV", old_rows, "xlsx", "2025-09-30"))
    for b in bad:  # as a person counts: header = row 1
        b["row_number"] = next(i for i, r in enumerate(b.pop("cells")) if r is b["row"]) + 2
        del b["row"]
    return bad


# --------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------

def L(id_, role, cap, qty, ready, rot, crit, comment=""):
    return dict(id=id_, role=role, capability=cap, quantity=qty, max_readiness_days=ready,
                rotation=rot, criticality=crit, comment=comment)


SCENARIOS = [
    dict(
        file="fi_hybrid_2026.yaml", id="FI-HYBRID-2026", name="Hybrid aggression against Finland",
        invoking_state="FI", nato=True, likelihood=3, duration=180,
        description=(
            "'Little green men' without insignia appear at several crossing points of the "
            "1,340 km eastern border while a cyber attack disrupts electricity distribution "
            "and water utilities in south-eastern Finland. NATO collective defence (Art. 5) "
            "runs at the same time, so forces committed to NATO are only partly available."),
        sources="External border length: reference/member_states.csv. Rotation: rule of thirds.",
        lines=[
            L("BS-01", BS, "BS.SURV.UAS", 4, 10, 3, "essential", "persistent surveillance of the border zone"),
            L("BS-02", BS, "BS.SURV.LAND", 5, 10, 3, "essential"),
            L("BS-03", BS, "BS.INF.LIGHT", 4, 10, 3, "essential", "reaction companies behind the border guard"),
            L("BS-04", BS, "BS.ENG.BARRIER", 3, 30, 2, "important"),
            L("BS-05", BS, "BS.HELO.UTIL", 8, 10, 3, "important"),
            L("BS-06", BS, "BS.CUAS", 6, 5, 3, "essential", "drones over border stations and power plants"),
            L("BS-07", BS, "BS.EW", 3, 10, 3, "important"),
            L("BS-08", BS, "BS.MPA", 2, 5, 3, "important", "Gulf of Finland"),
            L("DS-01", DS, "DS.CYBER.RRT", 4, 2, 3, "essential"),
            L("DS-02", DS, "DS.CYBER.OT", 3, 5, 2, "essential", "grid and water control systems"),
            L("DS-03", DS, "DS.CIP.GUARD", 4, 10, 3, "important"),
            L("DS-04", DS, "BS.INF.LIGHT", 4, 30, 2, "important", "guarding of depots and substations"),
            L("DS-05", DS, "DS.POWER.GEN", 12, 20, 1, "important", "short surge until the grid is restored"),
            L("DS-06", DS, "DS.MED.ROLE2", 1, 20, 2, "desirable"),
            L("DS-07", DS, "DS.STRATCOM", 2, 10, 2, "desirable"),
        ],
    ),
    dict(
        file="fr_terror_2026.yaml", id="FR-TERROR-2026", name="Coordinated terror attacks in France",
        invoking_state="FR", nato=False, likelihood=4, duration=120,
        description=(
            "Coordinated terror attacks in several French cities, as on 13 November 2015 when "
            "France invoked Art. 42.7 (17 November 2015). Domestic security absorbs a surge "
            "of troops as in Operation Sentinelle (about 7,000 permanently, up to 10,000); "
            "partners backfill: airlift, medical support and relief of French units abroad."),
        sources="EPRS briefings PE 572.799 and PE 581.408; Operation Sentinelle figures.",
        lines=[
            L("DS-01", DS, "DS.INF.PATROL", 15, 2, 3, "essential", "Sentinelle-style patrols"),
            L("DS-02", DS, "DS.GEND.FPU", 6, 10, 3, "important"),
            L("DS-03", DS, "DS.EOD", 8, 2, 3, "essential"),
            L("DS-04", DS, "DS.CBRN.DEF", 3, 10, 2, "essential"),
            L("DS-05", DS, "DS.MED.ROLE2", 2, 20, 2, "important"),
            L("DS-06", DS, "DS.INTEL.FUSION", 2, 5, 3, "essential", "intelligence sharing"),
            L("DS-07", DS, "DS.AIRLIFT.STRAT", 4, 10, 2, "important", "backfill: strategic airlift"),
            L("DS-08", DS, "DS.AIRLIFT.TAC", 6, 20, 2, "important"),
            L("DS-09", DS, "BS.INF.LIGHT", 6, 60, 3, "desirable", "backfill: relief of French units abroad"),
            L("DS-10", DS, "DS.CIP.GUARD", 5, 10, 3, "important"),
            L("DS-11", DS, "DS.HELO.MEDIUM", 4, 10, 2, "desirable"),
            L("BS-01", BS, "BS.K9", 4, 10, 3, "important", "detection dogs at reinstated internal border controls"),
        ],
    ),
    dict(
        file="lt_border_2026.yaml", id="LT-BORDER-2026",
        name="Instrumentalised migration at the Lithuanian-Belarusian border",
        invoking_state="LT", nato=False, likelihood=5, duration=150,
        description=(
            "Migrants are pushed towards the Lithuanian border by the Belarusian authorities, "
            "as in 2021, with hundreds of attempted crossings a day. Lithuania deploys its "
            "military in support of the State Border Guard Service and asks for surveillance, "
            "engineering and police support."),
        sources="Belarus border crisis 2021 (Polish Border Guard: about 39,700 attempts in 2021).",
        lines=[
            L("BS-01", BS, "BS.BG.TEAM", 4, 2, 3, "essential"),
            L("BS-02", BS, "BS.SURV.LAND", 4, 5, 3, "essential"),
            L("BS-03", BS, "BS.SURV.UAS", 3, 10, 3, "important"),
            L("BS-04", BS, "BS.ENG.BARRIER", 3, 20, 2, "important", "temporary fence and obstacles"),
            L("BS-05", BS, "BS.MP", 4, 10, 3, "important"),
            L("BS-06", BS, "BS.K9", 3, 10, 3, "desirable"),
            L("BS-07", BS, "BS.HELO.UTIL", 3, 10, 3, "important"),
            L("BS-08", BS, "BS.INF.LIGHT", 6, 10, 3, "important"),
            L("DS-01", DS, "DS.MED.ROLE1", 4, 10, 2, "important", "care for migrants at the border"),
            L("DS-02", DS, "DS.TRANS.ROAD", 2, 20, 2, "desirable"),
            L("DS-03", DS, "DS.STRATCOM", 1, 5, 2, "desirable"),
        ],
    ),
    dict(
        file="pl_border_2026.yaml", id="PL-BORDER-2026",
        name="Border crisis and drone incursions on Poland's eastern border",
        invoking_state="PL", nato=False, likelihood=4, duration=180,
        description=(
            "Sustained pressure on the Polish border with Belarus: organised crossing attempts, "
            "sabotage of the barrier and drones crossing into Polish airspace. Poland keeps "
            "thousands of troops on the border (about 6,000 in 2024, planned to rise to "
            "17,000) and asks partners for counter-drone, surveillance and engineering support."),
        sources="Polish Border Guard 2021 statistics; Polish MoD announcements 2024.",
        lines=[
            L("BS-01", BS, "BS.INF.MECH", 10, 30, 3, "essential"),
            L("BS-02", BS, "BS.INF.LIGHT", 10, 20, 3, "important"),
            L("BS-03", BS, "BS.SURV.LAND", 6, 5, 4, "essential", "long border mission: rotation 4"),
            L("BS-04", BS, "BS.SURV.UAS", 4, 10, 3, "important"),
            L("BS-05", BS, "BS.CUAS", 4, 10, 3, "essential"),
            L("BS-06", BS, "BS.ENG.BARRIER", 4, 20, 2, "important"),
            L("BS-07", BS, "BS.EW", 2, 10, 3, "important"),
            L("BS-08", BS, "BS.HELO.UTIL", 6, 10, 2, "important"),
            L("BS-09", BS, "BS.MP", 4, 10, 2, "desirable"),
            L("DS-01", DS, "DS.ENG.CONSTR", 3, 30, 2, "desirable"),
            L("DS-02", DS, "DS.TRANS.ROAD", 4, 20, 2, "desirable"),
        ],
    ),
    dict(
        file="ie_subsea_2026.yaml", id="IE-SUBSEA-2026",
        name="Sabotage of subsea cables and energy links off Ireland",
        invoking_state="IE", nato=False, likelihood=3, duration=90,
        description=(
            "Several transatlantic data cables and an electricity interconnector are cut in "
            "Ireland's exclusive economic zone; vessels of a 'shadow fleet' loiter near other "
            "cables. Ireland is not a NATO member and has a small navy: it asks for maritime "
            "surveillance, seabed capability and protection of landing stations."),
        sources="Non-NATO status: reference/member_states.csv.",
        lines=[
            L("BS-01", BS, "BS.OPV", 4, 10, 3, "essential"),
            L("BS-02", BS, "BS.MPA", 1, 10, 3, "essential"),
            L("BS-03", BS, "BS.SEABED.ROV", 3, 5, 2, "essential", "survey of damaged cables"),
            L("BS-04", BS, "BS.ASW.FRIGATE", 1, 20, 3, "important"),
            L("BS-05", BS, "BS.MCM", 2, 20, 2, "important"),
            L("BS-06", BS, "BS.RADAR.COAST", 2, 20, 1, "desirable"),
            L("DS-01", DS, "DS.DIVER", 3, 10, 2, "important"),
            L("DS-02", DS, "DS.CYBER.RRT", 2, 5, 2, "important", "cable landing stations"),
            L("DS-03", DS, "DS.POWER.GEN", 6, 10, 1, "desirable"),
            L("DS-04", DS, "DS.SAR.HELO", 2, 5, 2, "desirable"),
        ],
    ),
    dict(
        file="cy_maritime_2026.yaml", id="CY-MARITIME-2026",
        name="Maritime incursion against Cyprus",
        invoking_state="CY", nato=False, likelihood=2, duration=120,
        description=(
            "Armed vessels and drones enter Cypriot territorial waters around offshore gas "
            "installations; harassment of ports and a surge of arrivals by sea. Cyprus is not "
            "a NATO member; its own maritime forces are small."),
        sources="Non-NATO status: reference/member_states.csv.",
        lines=[
            L("BS-01", BS, "BS.OPV", 3, 10, 3, "essential"),
            L("BS-02", BS, "BS.PATROL.COAST", 4, 10, 3, "essential"),
            L("BS-03", BS, "BS.ASW.FRIGATE", 2, 20, 3, "important"),
            L("BS-04", BS, "BS.MPA", 1, 10, 3, "important"),
            L("BS-05", BS, "BS.RADAR.COAST", 3, 10, 1, "important"),
            L("BS-06", BS, "BS.SOF", 1, 5, 3, "desirable"),
            L("BS-07", BS, "BS.HELO.UTIL", 2, 10, 3, "desirable"),
            L("DS-01", DS, "DS.SHORAD", 2, 10, 3, "important", "ports and Larnaca/Paphos airports"),
            L("DS-02", DS, "DS.CIP.GUARD", 4, 5, 3, "important"),
            L("DS-03", DS, "DS.MED.ROLE2", 1, 10, 2, "desirable"),
        ],
    ),
    dict(
        file="at_hybrid_2026.yaml", id="AT-HYBRID-2026", name="Hybrid campaign against Austria",
        invoking_state="AT", nato=False, likelihood=2, duration=120,
        description=(
            "A hybrid campaign against Austria: ransomware on hospitals and energy operators, "
            "a disinformation campaign ahead of elections, sabotage of rail and pipeline "
            "infrastructure and drones over Vienna's international organisations. Austria is "
            "neutral and not a NATO member."),
        sources="Non-NATO status: reference/member_states.csv.",
        lines=[
            L("DS-01", DS, "DS.CYBER.RRT", 4, 5, 3, "essential"),
            L("DS-02", DS, "DS.CYBER.OT", 2, 5, 2, "essential"),
            L("DS-03", DS, "DS.STRATCOM", 3, 5, 2, "important"),
            L("DS-04", DS, "DS.CIP.GUARD", 4, 5, 3, "important"),
            L("DS-05", DS, "DS.EOD", 4, 5, 3, "important"),
            L("DS-06", DS, "DS.POWER.GEN", 8, 10, 1, "important"),
            L("DS-07", DS, "DS.WATER.PUR", 3, 20, 1, "desirable"),
            L("DS-08", DS, "DS.CBRN.DEF", 1, 10, 2, "desirable"),
            L("DS-09", DS, "DS.SIGNALS", 2, 10, 2, "desirable"),
            L("DS-10", DS, "DS.INTEL.FUSION", 1, 5, 3, "important"),
            L("BS-01", BS, "BS.CUAS", 2, 10, 3, "important"),
        ],
    ),
    dict(
        file="ro_drones_2026.yaml", id="RO-DRONES-2026", name="Drone incursions over Romania",
        invoking_state="RO", nato=True, likelihood=4, duration=180,
        description=(
            "Repeated incursions of attack drones and debris into Romanian airspace along the "
            "Danube and the Black Sea coast, with strikes near ports and energy sites. NATO "
            "collective defence is activated at the same time."),
        sources="External land border length: reference/member_states.csv.",
        lines=[
            L("BS-01", BS, "BS.CUAS", 3, 10, 3, "essential"),
            L("BS-02", BS, "BS.GBAD.MRAD", 2, 20, 3, "essential"),
            L("BS-03", BS, "BS.FIGHTER.QRA", 6, 5, 3, "important"),
            L("BS-04", BS, "BS.AEW", 1, 10, 3, "important"),
            L("BS-05", BS, "BS.RADAR.AIR", 3, 20, 2, "important"),
            L("BS-06", BS, "BS.EW", 1, 10, 3, "important"),
            L("BS-07", BS, "BS.RADAR.COAST", 2, 20, 2, "desirable"),
            L("DS-01", DS, "DS.SHORAD", 4, 10, 3, "essential", "ports of Constanța and Galați"),
            L("DS-02", DS, "DS.EOD", 4, 5, 2, "important", "drone debris"),
            L("DS-03", DS, "DS.CIP.GUARD", 6, 10, 2, "desirable"),
        ],
    ),
    dict(
        file="ee_cyber_2026.yaml", id="EE-CYBER-2026",
        name="Cyber attack, GNSS jamming and cable sabotage against Estonia",
        invoking_state="EE", nato=False, likelihood=3, duration=90,
        description=(
            "A large cyber attack on Estonian government and bank services (as in 2007), "
            "combined with GNSS jamming over the Gulf of Finland and damage to a subsea "
            "power cable to Finland."),
        sources="External land border length: reference/member_states.csv.",
        lines=[
            L("DS-01", DS, "DS.CYBER.RRT", 4, 5, 2, "essential"),
            L("DS-02", DS, "DS.CYBER.OT", 2, 5, 2, "important"),
            L("DS-03", DS, "DS.SPACE.GNSS", 2, 10, 2, "important"),
            L("DS-04", DS, "DS.STRATCOM", 2, 5, 2, "important"),
            L("DS-05", DS, "DS.POWER.GEN", 6, 10, 1, "important"),
            L("DS-06", DS, "DS.SATCOM", 4, 10, 1, "desirable"),
            L("BS-01", BS, "BS.SEABED.ROV", 1, 10, 2, "important"),
            L("BS-02", BS, "BS.MCM", 1, 20, 2, "desirable"),
        ],
    ),
    dict(
        file="gr_migration_2026.yaml", id="GR-MIGRATION-2026",
        name="Instrumentalised migration at the Evros border and the Aegean islands",
        invoking_state="GR", nato=False, likelihood=3, duration=120,
        description=(
            "Tens of thousands of migrants are directed towards the Evros land border and the "
            "Aegean islands, as in March 2020. Greece asks for border surveillance, maritime "
            "patrol and support to reception."),
        sources="External land border length: reference/member_states.csv.",
        lines=[
            L("BS-01", BS, "BS.BG.TEAM", 6, 5, 3, "essential"),
            L("BS-02", BS, "BS.SURV.LAND", 6, 5, 3, "essential"),
            L("BS-03", BS, "BS.OPV", 4, 10, 3, "essential"),
            L("BS-04", BS, "BS.PATROL.COAST", 6, 10, 3, "important"),
            L("BS-05", BS, "BS.MPA", 1, 10, 3, "important"),
            L("BS-06", BS, "BS.SURV.UAS", 3, 10, 3, "important"),
            L("BS-07", BS, "BS.HELO.UTIL", 4, 10, 2, "desirable"),
            L("DS-01", DS, "DS.MED.ROLE1", 6, 10, 2, "important"),
            L("DS-02", DS, "DS.WATER.PUR", 4, 20, 2, "desirable"),
            L("DS-03", DS, "DS.ENG.CONSTR", 2, 30, 1, "desirable", "reception facilities"),
            L("DS-04", DS, "DS.TRANS.ROAD", 3, 20, 2, "desirable"),
        ],
    ),
]

CONCURRENCY = [
    dict(file="baltic_nordic_2026.yaml", id="BALTIC-NORDIC-2026",
         name="Hybrid crisis in Finland, Lithuania and Estonia at once",
         scenarios=["FI-HYBRID-2026", "LT-BORDER-2026", "EE-CYBER-2026"],
         comment="Three northern scenarios compete for the same cyber, surveillance and "
                 "helicopter forces; NATO Art. 5 runs (FI-HYBRID-2026), so the NATO discount "
                 "applies to every scenario of the case."),
    dict(file="eastern_flank_2026.yaml", id="EASTERN-FLANK-2026",
         name="Poland and Romania invoke Art. 42.7 at the same time",
         scenarios=["PL-BORDER-2026", "RO-DRONES-2026"],
         comment="Each scenario alone gets the counter-UAS it needs within 10 days; together "
                 "they draw on the same few systems and a joint shortfall appears that neither "
                 "scenario shows on its own (the electronic-warfare gap deepens too). NATO Art. 5 "
                 "runs (RO-DRONES-2026), so the NATO discount applies to both scenarios."),
    dict(file="mediterranean_2026.yaml", id="MEDITERRANEAN-2026",
         name="Maritime crises around Cyprus and Greece at once",
         scenarios=["CY-MARITIME-2026", "GR-MIGRATION-2026"],
         comment="Both scenarios need offshore and coastal patrol vessels and maritime patrol "
                 "aircraft from the same navies: offshore patrol vessels are enough for either "
                 "scenario alone but not for both."),
]


def yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fold(text: str, width: int = 84, indent: str = "  ") -> str:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(cur)
    return "\n".join(indent + ln for ln in lines)


def scenario_yaml(sc: dict) -> str:
    out = [
        "# ILLUSTRATIVE scenario - invented for the bundled sample data set.",
        "# Not an official planning scenario of any member state or of the EU;",
        "# quantities are made up to exercise the gap methodology.",
        f"# Public context: {sc['sources']}",
        "",
        f"id: {sc['id']}",
        f"name: {yaml_str(sc['name'])}",
        f"invoking_state: \"{sc['invoking_state']}\"",
        f"nato_article5_concurrent: {'true' if sc['nato'] else 'false'}",
        f"likelihood: {sc['likelihood']}",
        f"duration_days: {sc['duration']}",
        "description: >",
        fold(sc["description"]),
        "requirements:",
    ]
    for ln in sc["lines"]:
        out.append(f"  - id: {ln['id']}" + (f"  # {ln['comment']}" if ln["comment"] else ""))
        for key in ("role", "capability", "quantity", "max_readiness_days", "rotation", "criticality"):
            out.append(f"    {key}: {ln[key]}")
    return "\n".join(out) + "\n"


def concurrency_yaml(c: dict) -> str:
    return "\n".join([
        "# ILLUSTRATIVE concurrency case - invented for the bundled sample data set.",
        fold(c["comment"], width=80, indent="# "),
        "",
        f"id: {c['id']}",
        f"name: {yaml_str(c['name'])}",
        f"scenarios: [{', '.join(c['scenarios'])}]",
    ]) + "\n"


# --------------------------------------------------------------------------
# Offers after Finland's invocation
# --------------------------------------------------------------------------

OFFER_HEADER = ["scenario_id", "member_state", "capability_code", "quantity", "available_in_days", "caveats"]
OFFERS_CSV = [  # first batch, received by e-mail as CSV
    ("SE", "BS.HELO.UTIL", 6, 3, "returns to national command if Swedish territory is threatened"),
    ("DE", "BS.HELO.UTIL", 8, 15, ""),
    ("SE", "BS.INF.LIGHT", 6, 7, ""),
    ("DE", "BS.INF.LIGHT", 24, 20, "land forces only south of Kuopio; no cross-border action"),
    ("EE", "DS.CYBER.RRT", 1, 1, "remote support from Tallinn only"),
    ("NL", "DS.CYBER.RRT", 2, 2, ""),
    ("FR", "DS.CYBER.RRT", 2, 4, ""),
    ("PL", "BS.CUAS", 2, 4, "withdrawn if Polish airspace is threatened"),
]
OFFERS_XLSX = [  # second batch, national liaison officers' workbook
    ("DE", "BS.CUAS", 3, 5, "operated by German crews only"),
    ("FR", "BS.MPA", 2, 4, ""),
    ("DE", "DS.CYBER.OT", 1, 5, ""),
    ("AT", "DS.POWER.GEN", 6, 10, "civil protection modules; neutrality: no military escort"),
    ("AT", "DS.WATER.PUR", 2, 10, "civil protection modules"),
    ("IE", "DS.MED.ROLE2", 1, 20, "medical support only"),
    ("PL", "BS.ENG.BARRIER", 4, 14, ""),
    ("DK", "BS.SURV.UAS", 4, 7, ""),
    ("NL", "DS.SEALIFT.ROLL", 1, 30, "charter vessel"),
]


def write_offers(out_dir: Path) -> None:
    sid = "FI-HYBRID-2026"
    write_csv(out_dir / "offers_FI-HYBRID-2026_batch1.csv", OFFER_HEADER,
              [[sid, *o] for o in OFFERS_CSV])
    write_xlsx(out_dir / "offers_FI-HYBRID-2026_batch2.xlsx", "offers", OFFER_HEADER,
               [[sid, s, c, q, d, cav or None] for s, c, q, d, cav in OFFERS_XLSX])


# --------------------------------------------------------------------------
# READMEs
# --------------------------------------------------------------------------

REFERENCE_README = """\
# Reference data

The columns and rules of `member_states.csv` and `capabilities.csv` are in
[the data contract](../../docs/data-contract.md#reference-data--reference), those of
`participation.csv` in its section
[Participation](../../docs/data-contract.md#participation--referenceparticipationcsv).

## `member_states.csv` - the 27 EU member states (public figures, approximate)

- `nato_member`: membership of the North Atlantic Treaty Organization as of 2024
  (Finland joined in 2023, Sweden in 2024; Austria, Cyprus, Ireland and Malta are
  not members).
- `gdp_meur`: nominal GDP 2023 in million euro, rounded to the nearest billion
  (Eurostat, `nama_10_gdp`). Approximate: good for fair-share shares, not for citation.
- `population`: 1 January 2024, rounded (Eurostat, `demo_pjan`). Approximate.
- `external_land_border_km`: length of land border with non-EU states, rounded,
  approximate (Ireland: with the United Kingdom, Northern Ireland; Spain: Ceuta
  and Melilla).
- Greece is stored as `GR` (ISO 3166-1); the EU's own code `EL` is accepted on input.

## Everything else is ILLUSTRATIVE

**`capabilities.csv`, the national inventories in `../inbox/inventory/`, the
scenarios in `../scenarios/` and the offers in `../inbox/offers/` are invented.**
They are NOT real national holdings, NOT force declarations, NOT readiness
figures of any armed force and NOT official planning scenarios of any member
state or of the EU. They were produced by `scripts/make_sample_data.py`
(seeded, deterministic) only to demonstrate and test the pipeline.

- `capabilities.csv`: an illustrative taxonomy written after the style of NATO/EU
  capability codes (one code = one kind of unit with a stated task). The codes do
  not correspond to any official catalogue.
- Inventory quantities are scaled roughly to each state's GDP and an invented
  "defence weight"; they say nothing about real forces.
- Public orders of magnitude used to write the scenarios (e.g. France's invocation
  of Art. 42.7 on 17 November 2015, EPRS briefings PE 572.799 and PE 581.408;
  Operation Sentinelle; the 2021 Belarus border crisis; the rule of thirds for
  rotation) are cited in each scenario file.

## `participation.csv` - ILLUSTRATIVE: every probability is invented

How likely each member state is to commit forces of a role (`border_security`,
`domestic_support`, or `*` for both; a role's own row wins over `*`) when another
state invokes Art. 42.7; the Monte Carlo of methodology §10 draws from it. **No
figure comes from a government, a study or a poll: every probability was invented
for this sample.** Only their rough ordering rests on public facts, which the
`source` column of each row names:

- **lowest for border security** (0.2-0.35): the four states outside NATO,
  Malta (neutrality in its Constitution), Ireland (military neutrality and the
  "triple lock": Government, Dáil and a UN mandate), Cyprus (in no military
  alliance) and Austria (Neutrality Act 1955; deployments abroad agreed with the
  Nationalrat's Main Committee). Their domestic-support rows are higher (0.7-0.8):
  aid such as medical, engineering or cyber teams is easier to send than armed
  border forces.
- **somewhat lower** (0.7-0.8): states whose parliament must approve, or be asked
  beforehand, before forces go abroad: Germany (0.7 for border security, as armed
  deployments need a prior Bundestag mandate; 0.85 otherwise), Denmark
  (Constitution §19(2)), the Netherlands (Art. 100), Czechia (Art. 43), Spain (Ley
  Orgánica 5/2005), Italy (Law 145/2016), Sweden (Riksdag approval) and Finland
  (Act 418/2017, 0.85).
- **front-line states** (Estonia, Latvia, Lithuania): 0.75 for border security, on
  the invented assumption that they keep their border forces at home; 0.9 otherwise.
- **France** 0.95: the government decides and informs Parliament afterwards
  (Constitution Art. 35), and France itself invoked Art. 42.7 in 2015.
- Every other state: a plain invented figure between 0.75 and 0.9, with `source`
  saying so.

A state invoking Art. 42.7 always acts for itself (probability 1), whatever its row.
"""

INBOX_README = """\
# Inbox - ILLUSTRATIVE national submissions and offers

All files here are INVENTED sample data written by `scripts/make_sample_data.py`:
not real national holdings. See `../reference/README.md`.

## `inventory/` - one capability inventory submission per member state

27 member states, about half as CSV and half as XLSX (sheet `inventory`), all
with an explicit `as_of` date.

### Deliberate imperfections (intentional demonstrations - do not "fix" them)

The sample is realistically imperfect so that the pipeline's bad-input handling
is visible in `ingest_rejects` and `ingest_superseded`:

{bad_table}

Other intentional variants that are *valid* under [the data contract](../../docs/data-contract.md):

- `inventory_LV_2025_autumn.xlsx` (`as_of` 2025-09-30) is an **older** Latvian
  submission, superseded by `inventory_LV_2026.csv` (`as_of` 2026-02-27). Its rows
  must end up in `ingest_superseded`, not in the gap figures.
- Germany split its 2026 submission over **two files with the same `as_of`**
  (2026-03-31): `inventory_DE_2026_part1_land_forces.csv` (land, engineer, CBRN
  and medical units) and
  `inventory_DE_2026_part2_air_maritime_enablers.xlsx` (everything else). Both are used.
- `inventory_GR_2026.csv` uses `EL` (the EU code for Greece) in `member_state`;
  it is stored as `GR`.
- `inventory_SE_2026.csv` starts with a UTF-8 byte-order mark.
- `inventory_IT_2026.csv` has header names in mixed/upper case with surrounding
  spaces (` Member_State `, ` CAPABILITY_CODE `, ...).
- `inventory_NL_2026.xlsx` has an `instructions` sheet before the `inventory` sheet.
- Booleans are spelt differently per state: `true/false`, `TRUE/FALSE`
  (GR), `yes/no` (PL), `Y/N` (RO), `1/0` (CZ) and native Excel booleans in XLSX files.
- CY, EE, LU and MT leave optional columns empty where the default applies
  (availability 1, deployable abroad, no NATO commitment).
- Notes contain non-ASCII text (German, Finnish, French, Greek, Polish ...).

## `offers/` - offers after Finland invokes Art. 42.7 (FI-HYBRID-2026)

`offers_FI-HYBRID-2026_batch1.csv` and `offers_FI-HYBRID-2026_batch2.xlsx`
(sheet `offers`). By design some Finnish needs stay unmet (no one offers
electronic warfare; too little counter-UAS and OT security), some offers go
unused (water purification and Ro-Ro sealift, which no line needs; more infantry
than needed; German helicopters at 15 days for a 10-day line), and two states
offer the same capability at different notice (SE and DE helicopters, NL, EE and
FR cyber teams).
"""

SCENARIOS_README = """\
# Scenarios - ILLUSTRATIVE

Art. 42.7 contingency scenarios (`*.yaml`, one a file) and concurrency cases
(`concurrency/*.yaml`) for the bundled sample. They are invented planning
cases, not official scenarios of any member state or of the EU; public context
used to write them is cited in each file's header. Written by
`scripts/make_sample_data.py`. The file format and its rules are in
[the data contract](../../docs/data-contract.md#scenarios--scenariosyaml); how the
gaps are computed from them, in [the methodology](../../docs/methodology.md).
"""


# --------------------------------------------------------------------------
# Options (methodology §11): an illustrative catalogue, written out as it stands
# --------------------------------------------------------------------------

OPTIONS_FILE = "cdp_options_2026.yaml"
OPTIONS_YAML = """\
# ILLUSTRATIVE options catalogue for the bundled sample (methodology §11).
#
# Every option, cost and date below is INVENTED for demonstration and testing: these
# are NOT real procurement plans, offers or prices of any member state or of the EU.
# Costs are rough orders of magnitude in million euro (acquisition plus a few years of
# running costs), chosen so that a budget of a few hundred million euro has to choose.
# The options aim at the shortfalls of the bundled scenarios (counter-UAS for Finland,
# border guard teams for Lithuania, infrastructure protection for Cyprus, France and
# Austria, cyber teams, electronic warfare, air defence for Romania, ...).
# Written by scripts/make_sample_data.py; the format is the data contract's, section
# "Options" (docs/data-contract.md).
id: CDP-OPTIONS-2026
budget_meur: 300
budgets_meur: [0, 50, 100, 200, 300, 400, 600, 800, 1200]
options:
  # --- Finland: counter-UAS, cyber, electronic warfare, maritime patrol ----------
  - id: OPT-CUAS-FI
    title: Six counter-UAS systems for the Finnish Defence Forces
    capability: BS.CUAS
    member_state: FI
    quantity: 6
    readiness_days: 2
    cost_meur: 90
    excludes: [OPT-CUAS-FI-LEASE]
  - id: OPT-CUAS-FI-LEASE
    title: Lease three counter-UAS systems for Finland (cheaper, fewer, later)
    capability: BS.CUAS
    member_state: FI
    quantity: 3
    readiness_days: 5
    availability: 0.8
    available_from: 2027
    available_until: 2030
    cost_meur: 30
  - id: OPT-CUAS-SE
    title: Four Swedish counter-UAS systems held for Nordic assistance
    capability: BS.CUAS
    member_state: SE
    quantity: 4
    readiness_days: 5
    cost_meur: 70
  - id: OPT-CUAS-TRAIN
    title: Joint counter-UAS training centre (makes the Swedish systems deployable fast)
    capability: BS.CUAS
    member_state: FI
    quantity: 1
    readiness_days: 2
    cost_meur: 25
    requires: [OPT-CUAS-SE]
  - id: OPT-CYBER-RRT-FI
    title: Three more Finnish cyber rapid-response teams
    capability: DS.CYBER.RRT
    member_state: FI
    quantity: 3
    readiness_days: 1
    cost_meur: 24
  - id: OPT-CYBER-RRT-EE
    title: Two Estonian cyber rapid-response teams on 48-hour notice
    capability: DS.CYBER.RRT
    member_state: EE
    quantity: 2
    readiness_days: 2
    cost_meur: 14
  - id: OPT-CYBER-OT-FI
    title: Two industrial-control-system (OT) security teams for Finland
    capability: DS.CYBER.OT
    member_state: FI
    quantity: 2
    readiness_days: 3
    cost_meur: 18
    requires: [OPT-CYBER-RRT-FI]
  - id: OPT-CYBER-OT-NL
    title: Dutch OT security team for EU assistance
    capability: DS.CYBER.OT
    member_state: NL
    quantity: 1
    readiness_days: 5
    cost_meur: 10
  - id: OPT-EW-FI
    title: Four Finnish electronic warfare teams
    capability: BS.EW
    member_state: FI
    quantity: 4
    readiness_days: 7
    available_from: 2027
    cost_meur: 80
  - id: OPT-EW-PL
    title: Three Polish electronic warfare teams
    capability: BS.EW
    member_state: PL
    quantity: 3
    readiness_days: 10
    nato_committed: 0.5
    cost_meur: 60
  - id: OPT-MPA-FI
    title: Two maritime patrol aircraft for Finland
    capability: BS.MPA
    member_state: FI
    quantity: 2
    readiness_days: 3
    available_from: 2029
    cost_meur: 260
  # --- Lithuania and Poland: land border ------------------------------------------
  - id: OPT-BG-TEAM-LT
    title: Four more Lithuanian border guard mobile teams
    capability: BS.BG.TEAM
    member_state: LT
    quantity: 4
    readiness_days: 1
    cost_meur: 12
  - id: OPT-BG-TEAM-LT-PLUS
    title: Four further Lithuanian teams (needs the first four's training pipeline)
    capability: BS.BG.TEAM
    member_state: LT
    quantity: 4
    readiness_days: 2
    cost_meur: 15
    requires: [OPT-BG-TEAM-LT]
  - id: OPT-K9-LT
    title: Three detection dog teams for Lithuania
    capability: BS.K9
    member_state: LT
    quantity: 3
    readiness_days: 5
    cost_meur: 3
  - id: OPT-SURV-LAND-PL
    title: Six mobile land-border surveillance teams for Poland
    capability: BS.SURV.LAND
    member_state: PL
    quantity: 6
    readiness_days: 3
    cost_meur: 48
  # --- Romania: air defence against drones ---------------------------------------
  - id: OPT-SHORAD-RO
    title: Four short-range air defence batteries for Romania
    capability: DS.SHORAD
    member_state: RO
    quantity: 4
    readiness_days: 7
    available_from: 2028
    cost_meur: 320
    excludes: [OPT-SHORAD-RO-SMALL]
  - id: OPT-SHORAD-RO-SMALL
    title: Two short-range air defence batteries for Romania
    capability: DS.SHORAD
    member_state: RO
    quantity: 2
    readiness_days: 7
    available_from: 2027
    cost_meur: 170
  - id: OPT-RADAR-RO
    title: Three deployable air surveillance radars for Romania
    capability: BS.RADAR.AIR
    member_state: RO
    quantity: 3
    readiness_days: 10
    cost_meur: 75
  # --- Infrastructure protection and security at home -----------------------------
  - id: OPT-CIP-GUARD-CY
    title: Six Cypriot critical-infrastructure protection companies (national guard)
    capability: DS.CIP.GUARD
    member_state: CY
    quantity: 6
    readiness_days: 3
    deployable_abroad: false
    cost_meur: 36
  - id: OPT-CIP-GUARD-AT
    title: Four Austrian militia companies for infrastructure protection
    capability: DS.CIP.GUARD
    member_state: AT
    quantity: 4
    readiness_days: 5
    deployable_abroad: false
    cost_meur: 28
  - id: OPT-CIP-GUARD-FR
    title: Four French territorial reserve companies for infrastructure protection
    capability: DS.CIP.GUARD
    member_state: FR
    quantity: 4
    readiness_days: 7
    cost_meur: 32
  - id: OPT-PATROL-FR
    title: Four more French urban security patrol companies on 48-hour notice
    capability: DS.INF.PATROL
    member_state: FR
    quantity: 4
    readiness_days: 2
    cost_meur: 40
  - id: OPT-K9-FR
    title: Five French detection dog teams
    capability: BS.K9
    member_state: FR
    quantity: 5
    readiness_days: 5
    cost_meur: 5
  - id: OPT-WATER-GR
    title: Three water purification units for Greece
    capability: DS.WATER.PUR
    member_state: GR
    quantity: 3
    readiness_days: 10
    cost_meur: 9
  - id: OPT-SEABED-IE
    title: Two seabed surveillance and ROV teams for Ireland
    capability: BS.SEABED.ROV
    member_state: IE
    quantity: 2
    readiness_days: 5
    deployable_abroad: false
    cost_meur: 55
  - id: OPT-CBRN-FR
    title: One more French CBRN defence company
    capability: DS.CBRN.DEF
    member_state: FR
    quantity: 1
    readiness_days: 7
    cost_meur: 22
"""

OPTIONS_README = """\
# Options - ILLUSTRATIVE

Candidate ways to close the gaps of the bundled scenarios (`*.yaml`; methodology
§11). `cdp_options_2026.yaml` is an **invented** catalogue of 26 options: the
options, their quantities, dates and costs in million euro are NOT real procurement
plans, offers or prices of any member state or of the EU. They aim at the bundled
shortfalls (counter-UAS, cyber and OT security teams and electronic warfare for
Finland, border guard teams for Lithuania, infrastructure protection for Cyprus,
France and Austria, air defence for Romania, ...), with `excludes` (a purchase or a
lease, a large or a small battery order) and `requires` (a second tranche after the
first), costing about 1,550 M€ in all against a budget of 300 M€, and a
`budgets_meur` list for the frontier. Written by `scripts/make_sample_data.py`. The
file format and its rules are in
[the data contract](../../docs/data-contract.md#options--optionsyaml-11).
"""


# What-if variants (methodology §12): one lever file a question about the bundled
# scenarios, in the order of data/levers/README.md.
LEVER_FILES = {
    "lift_caveats.yaml": """\
# ILLUSTRATIVE what-if variant for the bundled sample (methodology §12).
# Question: how much of the gap is made by the national caveats of the four states
# outside NATO? Austria, Ireland, Cyprus and Malta report units that may not deploy
# abroad (deployable_abroad false); here they may, and every other row stays as it is.
# Written by scripts/make_sample_data.py; the format is the data contract's, section
# "Levers" (docs/data-contract.md).
id: LIFT-CAVEATS
name: Austria, Ireland, Cyprus and Malta lift their caveats on deploying abroad
changes:
  - lift_caveats: {member_states: [AT, IE, CY, MT]}
""",
    "nato_release.yaml": """\
# ILLUSTRATIVE what-if variant for the bundled sample (methodology §12).
# Question: what do the NATO commitments cost the EU response when NATO's Article 5
# runs at the same time (FI-HYBRID-2026, RO-DRONES-2026)? Every unit's share committed
# to NATO (nato_committed) is released for Art. 42.7 assistance.
# Written by scripts/make_sample_data.py; the format is the data contract's, section
# "Levers" (docs/data-contract.md).
id: NATO-RELEASE
name: NATO commitments released for EU mutual assistance
changes:
  - release_nato: {}
""",
    "readiness_5d.yaml": """\
# ILLUSTRATIVE what-if variant for the bundled sample (methodology §12).
# Question: how much of the gap is a matter of readiness? The scarcest capabilities of
# the bundled gaps - counter-UAS, short-range air defence, critical-infrastructure
# guards and maritime patrol aircraft - are held at 5 days' notice or less by every
# state that has them (units already faster stay as they are).
# Written by scripts/make_sample_data.py; the format is the data contract's, section
# "Levers" (docs/data-contract.md).
id: READINESS-5D
name: Counter-drone, air defence, infrastructure guard and maritime patrol units ready within 5 days
changes:
  - readiness: {days: 5, capabilities: [BS.CUAS, DS.SHORAD, DS.CIP.GUARD, BS.MPA]}
""",
    "nl_withdraws.yaml": """\
# ILLUSTRATIVE what-if variant for the bundled sample (methodology §12).
# Question: how much does the EU response rest on one state's participation? The
# Netherlands, which invokes no bundled scenario but helps in most of them (cyber and
# OT security teams, infrastructure guards, counter-UAS, air defence), does not take
# part: its inventory rows are removed. (Hungary, tried the same way, would leave only
# a small gap in road transport.)
# Written by scripts/make_sample_data.py; the format is the data contract's, section
# "Levers" (docs/data-contract.md).
id: NL-WITHDRAWS
name: The Netherlands does not take part
changes:
  - withdraw: {member_states: [NL]}
""",
    "buy_cuas_fi.yaml": """\
# ILLUSTRATIVE what-if variant for the bundled sample (methodology §12).
# Question: what would buying close of the largest shortfall, Finland's counter-UAS?
# Option OPT-CUAS-FI of the bundled catalogue (options/cdp_options_2026.yaml: six
# systems on 2 days' notice, an invented 90 M€) is added to the inventory. Compare it
# with MGMT-PACKAGE, which buys nothing.
# Written by scripts/make_sample_data.py; the format is the data contract's, section
# "Levers" (docs/data-contract.md).
id: BUY-CUAS-FI
name: Finland buys six counter-UAS systems (catalogue option OPT-CUAS-FI)
changes:
  - add_options: {options: [OPT-CUAS-FI]}
""",
    "mgmt_package.yaml": """\
# ILLUSTRATIVE what-if variant for the bundled sample (methodology §12).
# Question: how far does management go without buying anything? The caveats of the four
# states outside NATO are lifted, NATO commitments are released, and the scarcest
# capabilities (as in READINESS-5D) are held at 5 days' notice with at least 90 % of
# their units available. The changes apply in this order.
# Written by scripts/make_sample_data.py; the format is the data contract's, section
# "Levers" (docs/data-contract.md).
id: MGMT-PACKAGE
name: "Management package, no purchase: caveats lifted, NATO commitments released, faster readiness, higher availability"
changes:
  - lift_caveats: {member_states: [AT, IE, CY, MT]}
  - release_nato: {}
  - readiness: {days: 5, capabilities: [BS.CUAS, DS.SHORAD, DS.CIP.GUARD, BS.MPA]}
  - availability: {at_least: 0.9, capabilities: [BS.CUAS, DS.SHORAD, DS.CIP.GUARD, BS.MPA]}
""",
}

LEVERS_README = """\
# Levers - ILLUSTRATIVE

What-if variants of the bundled inventory (`*.yaml`; methodology §12): one variant a
file, each a list of changes applied in order to the accepted inventory rows, then
the gaps computed again exactly as for the inventory as it is (`BASELINE`). The six
files are **invented** questions about the bundled scenarios, NOT announced policies
of any member state or of the EU:

| file | id | question | changes |
|---|---|---|---|
| `lift_caveats.yaml` | `LIFT-CAVEATS` | What do the caveats of the four states outside NATO cost? | `lift_caveats` for AT, IE, CY, MT |
| `nato_release.yaml` | `NATO-RELEASE` | What do NATO commitments cost when Art. 5 runs at the same time (FI-HYBRID-2026, RO-DRONES-2026)? | `release_nato` on every row |
| `readiness_5d.yaml` | `READINESS-5D` | How much of the gap is readiness? | `readiness` 5 days for counter-UAS, short-range air defence, infrastructure guards, maritime patrol aircraft |
| `nl_withdraws.yaml` | `NL-WITHDRAWS` | How much rests on one contributing state? | `withdraw` NL (Hungary, tried alike, leaves only a small road-transport gap) |
| `buy_cuas_fi.yaml` | `BUY-CUAS-FI` | What would buying close of the largest shortfall, Finland's counter-UAS? | `add_options` OPT-CUAS-FI of `../options/cdp_options_2026.yaml` |
| `mgmt_package.yaml` | `MGMT-PACKAGE` | How far does management go without buying? | `lift_caveats` + `release_nato` + `readiness` + `availability` (at least 0.9) |

Written by `scripts/make_sample_data.py`. The file format and its rules are in
[the data contract](../../docs/data-contract.md#levers--leversyaml-12).
"""


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def clean(dir_: Path, patterns: list[str]) -> None:
    dir_.mkdir(parents=True, exist_ok=True)
    for pat in patterns:
        for p in dir_.glob(pat):
            p.unlink()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=str(ROOT / "data"))
    args = ap.parse_args(argv)
    data = Path(args.data_dir)
    ref, inv_dir, off_dir = data / "reference", data / "inbox" / "inventory", data / "inbox" / "offers"
    sc_dir, cc_dir = data / "scenarios", data / "scenarios" / "concurrency"
    clean(ref, ["member_states.csv", "capabilities.csv", "participation.csv"])
    clean(inv_dir, ["inventory_*.csv", "inventory_*.xlsx"])
    clean(off_dir, ["offers_*.csv", "offers_*.xlsx"])
    clean(sc_dir, ["*.yaml"])
    clean(cc_dir, ["*.yaml"])

    rng = random.Random(SEED)
    ms_text, states = load_member_states()
    (ref / "member_states.csv").write_text(ms_text, encoding="utf-8")
    (ref / "README.md").write_text(REFERENCE_README, encoding="utf-8")
    write_csv(ref / "capabilities.csv", ["capability_code", "name", "domain", "unit", "roles"],
              [list(c[:5]) for c in sorted(CAPABILITIES)])
    write_csv(ref / "participation.csv", ["member_state", "role", "probability", "source"],
              [list(p) for p in PARTICIPATION])

    inv = generate_inventories(rng, states)
    bad = build_inventory_files(inv, inv_dir)
    table = ["| file | row (header = 1) | column | value | what is wrong |", "|---|---|---|---|---|"]
    why = {
        "readiness_days": "notice to move written as text instead of a number of days",
        "capability_code": "capability code not in the taxonomy (typo of BS.SURV.SAT)",
        "quantity": "negative quantity",
        "availability": "availability above 1",
        "member_state": "not an EU member state",
        "available_until": "last year in service before the first year (2030 to 2028)",
    }
    for b in sorted(bad, key=lambda b: (b["file"], b["row_number"])):
        what = why[b["column"]]
        if b["column"] != "capability_code":
            what += f" (row for {b['capability']})"
        table.append(f"| `{b['file']}` | {b['row_number']} | `{b['column']}` | `{b['value']}` | {what} |")
    (data / "inbox" / "README.md").write_text(INBOX_README.format(bad_table="\n".join(table)),
                                              encoding="utf-8")

    for sc in SCENARIOS:
        (sc_dir / sc["file"]).write_text(scenario_yaml(sc), encoding="utf-8")
    for c in CONCURRENCY:
        (cc_dir / c["file"]).write_text(concurrency_yaml(c), encoding="utf-8")
    (sc_dir / "README.md").write_text(SCENARIOS_README, encoding="utf-8")
    write_offers(off_dir)
    opt_dir = data / "options"
    clean(opt_dir, ["*.yaml"])
    (opt_dir / OPTIONS_FILE).write_text(OPTIONS_YAML, encoding="utf-8")
    (opt_dir / "README.md").write_text(OPTIONS_README, encoding="utf-8")
    lever_dir = data / "levers"
    clean(lever_dir, ["*.yaml"])
    for name, text in LEVER_FILES.items():
        (lever_dir / name).write_text(text, encoding="utf-8")
    (lever_dir / "README.md").write_text(LEVERS_README, encoding="utf-8")

    n_rows = sum(len(v) for v in inv.values())
    print(f"capabilities: {len(CAPABILITIES)}; inventory rows (2026 submissions): {n_rows}; "
          f"scenarios: {len(SCENARIOS)}; concurrency cases: {len(CONCURRENCY)}")
    for b in bad:
        print(f"bad row: {b['file']} row {b['row_number']} {b['column']}={b['value']!r}")


if __name__ == "__main__":
    main()
