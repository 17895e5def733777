#!/usr/bin/env python3
"""Build scenarios/data/eurasia_2019.csv and eurasia_macro_2019.csv.

The 13-region data of the Eurasian Union scenario (eurasian_union_1994.toml):
the 12 regions of trade_2019.csv and macro_2019.csv (IMF DOTS 2019; World
Bank WDI; SIPRI) with Turkmenistan (TKM) split out of the rest of the world
(ROW). Neither IMF DOTS nor WDI data for Turkmenistan were available to us,
so every TKM number below is approximate [A]: a value we can justify from the
sources cited next to it, with a plausible range. scenarios/data/SOURCES.md
("eurasia_2019.csv") states the same numbers and their basis.

How the split works (all values US$ million, 2019):

* TKM -> j and j -> TKM for every region j other than ROW are the numbers in
  EXPORTS and IMPORTS below. They were inside ROW, so they are subtracted
  from ROW -> j and j -> ROW.
* TKM -> ROW and ROW -> TKM (TKM's trade with the economies that stay in
  ROW) were intra-ROW trade, which the 12-region data count as ROW's domestic
  absorption; they become flows of the new file and are not subtracted from
  anything.
* ROW's GDP loses TKM's GDP. ROW's military spending stays empty (ROW is not
  a state). ROW's intra-bloc trade loses TKM's trade with the rest of ROW.
* Every other flow and every other region's row is copied unchanged.

Run from the repository root:

    python3 scripts/build_eurasia_data.py

It overwrites the two output files and checks what the scenario loader
checks: every ordered pair of distinct regions once, no negative flow, and
GDP above goods exports for every region.
"""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "scenarios" / "data"

# Turkmenistan's goods exports, 2019, by destination [A], US$ million, FOB.
# Basis: China takes about 80% of them, nearly all pipeline gas (EIU country
# reports of 19 Nov 2018, 26 Feb 2019 and 27 Aug 2019, citing China's customs
# (GACC) and IMF DOTS; CIA World Factbook: China 82% of exports in 2019).
EXPORTS = {
    # GACC: China's imports from TKM were US$8.1bn in 2018 and US$4.6bn in
    # H1 2019 (+18.1% y/y), with the pipeline near capacity (EIU 27 Aug
    # 2019): about 9.0-9.5bn CIF for 2019, less freight and insurance for an
    # FOB value. Range 7,500-9,500.
    "CHN": 8500.0,
    # Gazprom resumed purchases on 15 Apr 2019 (1.2 bcm to 30 Jun), then a
    # five-year contract for 5.5 bcm a year from 1 Jul 2019 (Trend, AP, 3 Jul
    # 2019): about 4 bcm in 2019. Russia paid about US$1bn for its (larger)
    # 2020 purchases (Reuters, 11 Jun 2021). Range 300-1,000.
    "RUS": 600.0,
    # Turkey's imports from TKM were US$66m in Jan-Apr 2020 (Turkish trade
    # ministry via Trend/Vestnik Kavkaza, 6 Jun 2020), about 0.2bn a year;
    # a secondary listing of partners gives 0.54bn. Range 150-600.
    "TUR": 300.0,
    # Turkmen deliveries to Uzbekistan grew more than fivefold in Q1 2019
    # (Orient via OWC, 12 Jun 2019); no annual figure. Range 100-400.
    "UZB": 250.0,
    # Small: some gas and oil products, plastics. Range 50-300.
    "KAZ": 100.0,
    # Mostly crude oil and oil products to Italy (a secondary listing: about
    # 0.17bn), cotton and textiles. Range 150-500.
    "EU27": 300.0,
    "UKR": 50.0,   # range 20-150
    "BLR": 10.0,   # range 0-50
    "ARM": 10.0,   # range 0-50
    "KGZ": 20.0,   # range 0-50
    "USA": 20.0,   # range 0-50
    # Afghanistan (about 0.55bn in a secondary listing: electricity, fuel),
    # Georgia (about 0.1bn), Iran, Azerbaijan, Tajikistan. Range 300-1,000.
    "ROW": 500.0,
}

# Other regions' goods exports to Turkmenistan, 2019 [A], US$ million, FOB.
# Total about US$3.0bn, range 2.5-4.5bn: the CIA World Factbook gives 4.57bn
# for 2017, and the EIU (27 Aug 2019, from IMF DOTS) US$610m in Jan-Apr 2019,
# falling under foreign-exchange rationing. Partner shares in 2019 (CIA World
# Factbook): Turkey 25%, Russia 18%, China 14%, Germany 6%.
IMPORTS = {
    # 25% of 3.0bn is 750; Turkey's exports to TKM were US$230m in Jan-Apr
    # 2020 (Turkish trade ministry via Trend), about 0.7bn a year; 650, a
    # little below both, as the total is falling. Range 500-1,000.
    "TUR": 650.0,
    # 18% of 3.0bn. Range 400-800.
    "RUS": 540.0,
    # 14% of 3.0bn; China's exports to TKM were about 0.34bn in 2018 (total
    # trade 8.44bn, Chinese ambassador to Turkmenportal, 30 Sep 2019, less
    # imports of 8.1bn). Range 300-600.
    "CHN": 420.0,
    # Germany 6% (0.18bn) plus Italy, France and the rest. Range 300-700.
    "EU27": 450.0,
    "UZB": 200.0,  # range 100-400
    "KAZ": 150.0,  # grain and flour, range 80-300
    "USA": 100.0,  # aircraft, machinery; range 50-300
    "UKR": 80.0,   # range 30-150
    "BLR": 60.0,   # tractors, trucks; range 20-150
    "ARM": 5.0,    # range 0-20
    "KGZ": 5.0,    # range 0-20
    # Iran, the UAE, Japan, Korea, Azerbaijan and others. Range 200-800.
    "ROW": 340.0,
}

# GDP, current US$ million [A]: about 40.8bn in 2018 at the official rate of
# 3.5 manat per dollar (CIA World Factbook; US International Trade
# Administration, Country Commercial Guide 2020), with reported growth of
# about 6% in 2019; World Bank estimates for 2019 lie in 40-46bn. Range
# 40,000-46,000. The official rate overstates dollar GDP: the black-market
# rate was five to seven times it in 2019 (US ITA), so a market-rate GDP
# would be far smaller and TKM more open than here.
TKM_GDP = 43000.0
# Military spending [A]: SIPRI has no reliable figure. The CIA World
# Factbook estimates 1.9% of GDP for 2019: 0.019 x 43,000 = 817 -> 800.
# Range 400-1,200.
TKM_MILEX = 800.0

REGIONS = ["KAZ", "RUS", "CHN", "EU27", "BLR", "ARM", "KGZ", "UKR", "USA", "TUR", "UZB", "TKM", "ROW"]


def read_flows(path):
    flows = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            flows[(row["exporter"].strip(), row["importer"].strip())] = float(row["value_musd"])
    return flows


def main():
    old = read_flows(DATA / "trade_2019.csv")
    flows = dict(old)
    for j, x in EXPORTS.items():
        flows[("TKM", j)] = x
        if j != "ROW":
            flows[("ROW", j)] = old[("ROW", j)] - x
    for j, x in IMPORTS.items():
        flows[(j, "TKM")] = x
        if j != "ROW":
            flows[(j, "ROW")] = old[(j, "ROW")] - x

    # The loader's checks: every ordered pair once, no negative flow.
    pairs = [(e, i) for e in REGIONS for i in REGIONS if e != i]
    assert set(flows) == set(pairs), "every ordered pair of distinct regions, once"
    for pair, x in flows.items():
        assert x >= 0.0, f"negative flow {pair}: {x}"

    with open(DATA / "eurasia_2019.csv", "w", newline="", encoding="utf-8") as f:
        f.write("exporter,importer,value_musd\n")
        for e, i in pairs:
            f.write(f"{e},{i},{flows[(e, i)]:.1f}\n")

    macro = {}
    with open(DATA / "macro_2019.csv", newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames
        for row in reader:
            macro[row["code"]] = row
    macro["TKM"] = {
        "code": "TKM",
        "name": "Turkmenistan",
        "gdp_musd": f"{TKM_GDP:.1f}",
        "milex_musd": f"{TKM_MILEX:.0f}",
        "intra_bloc_trade_musd": "",
    }
    row = macro["ROW"]
    row["gdp_musd"] = f"{float(row['gdp_musd']) - TKM_GDP:.1f}"
    # TKM's trade with the rest of ROW was intra-ROW.
    intra = float(row["intra_bloc_trade_musd"]) - EXPORTS["ROW"] - IMPORTS["ROW"]
    row["intra_bloc_trade_musd"] = f"{intra:.1f}"
    # Goods trade totals of every region, recomputed from the new flows.
    for r in REGIONS:
        exports = sum(flows[(r, i)] for i in REGIONS if i != r)
        imports = sum(flows[(e, r)] for e in REGIONS if e != r)
        macro[r]["goods_exports_musd"] = f"{exports:.1f}"
        macro[r]["goods_imports_musd"] = f"{imports:.1f}"
        assert float(macro[r]["gdp_musd"]) > exports, f"{r}: GDP must exceed goods exports"

    with open(DATA / "eurasia_macro_2019.csv", "w", newline="", encoding="utf-8") as f:
        f.write(",".join(columns) + "\n")
        for r in REGIONS:
            f.write(",".join(macro[r][c] for c in columns) + "\n")


if __name__ == "__main__":
    main()
