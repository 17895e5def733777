#!/usr/bin/env python3
"""Check statecraft's sensitivity numerics against SALib and SciPy.

    python3 -m venv "$HOME/.cache/statecraft/salib-venv"
    "$HOME/.cache/statecraft/salib-venv/bin/pip" install SALib==1.6.0
    "$HOME/.cache/statecraft/salib-venv/bin/python" scripts/check_salib.py

(SALib brings NumPy, SciPy and pandas; written against SALib 1.6.0, SciPy
1.17.1, NumPy 2.4.6. About 20 s once the example is built.)

Builds the example `sensitivity_json` (`cargo build --release --example
sensitivity_json`; set STATECRAFT_SENSITIVITY_JSON to a built one to skip
cargo), gives it batches of tasks, and compares its answers with SALib's and
SciPy's on the same inputs:

- Sobol' points: identical to SciPy's `qmc.Sobol(d, scramble=False)`, with
  and without `fast_forward`, up to 1024 dimensions;
- Saltelli designs: identical to SALib's `sample.sobol.sample(...,
  scramble=False, skip_values=m)`, rows and order;
- Sobol' indices: S1, ST, S2 and their confidence half-widths within 1e-9 of
  SALib's `analyze.sobol.analyze` on the same outputs (the Ishigami function
  and a g-function), statecraft given the bootstrap indices SALib draws with
  the same seed;
- Morris: mu, mu_star, sigma and mu_star_conf within 1e-9 of SALib's
  `analyze.morris.analyze`, on SALib's own trajectories and on statecraft's;
- prior quantiles within 1e-12 of SciPy's ppf, relative to the larger of the
  value and the prior's scale (its range's width);
- real sweeps: `statecraft sweep --design sobol` and `--design morris` on
  scenarios/classic_cooperation.toml (two parameters, 20 runs a point): the
  unit-cube design in sweep.json is SALib's (Saltelli rows, Morris steps),
  and every estimate of sensitivity.csv (S1, ST, S2; mu, mu_star, sigma) is
  within 1e-9 of SALib's analyze run on the outputs the sweep wrote
  (sweep.csv means, sweep_retrodiction.csv shares). The intervals differ:
  statecraft draws its bootstrap from its own stream.

Exits 1 naming the first mismatch; prints the SALib version and one line per
check otherwise.
"""

import json
import os
import subprocess
import sys
import tempfile
import warnings
from importlib.metadata import version

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from SALib.test_functions import Ishigami

warnings.simplefilter("ignore")  # SciPy's power-of-two and SALib's skip warnings
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOL = 1e-9


def example_binary():
    """The built example: STATECRAFT_SENSITIVITY_JSON, or cargo's build of it."""
    binary = os.environ.get("STATECRAFT_SENSITIVITY_JSON")
    if binary:
        return binary
    build = subprocess.run(
        ["cargo", "build", "--quiet", "--release", "--example", "sensitivity_json",
         "--message-format=json-render-diagnostics"],
        capture_output=True, text=True, cwd=ROOT)
    if build.returncode != 0:
        sys.exit(f"building the example failed:\n{build.stderr}")
    for line in build.stdout.splitlines():
        message = json.loads(line)
        if (message.get("reason") == "compiler-artifact"
                and message["target"]["name"] == "sensitivity_json"):
            return message["executable"]
    sys.exit("cargo built no sensitivity_json example")


BINARY = None


def statecraft(tasks):
    global BINARY
    BINARY = BINARY or example_binary()
    out = subprocess.run([BINARY], input=json.dumps(tasks), capture_output=True,
                         text=True, cwd=ROOT)
    if out.returncode != 0:
        sys.exit(f"sensitivity_json failed:\n{out.stderr}")
    return json.loads(out.stdout)


def problem(d, lo=0.0, hi=1.0):
    return {"num_vars": d, "names": [f"x{i + 1}" for i in range(d)],
            "bounds": [[lo, hi]] * d}


def g_function(x, a):
    return np.prod((np.abs(4 * x - 2) + a) / (1 + a), axis=1)


def ishigami(x01):
    return Ishigami.evaluate(-np.pi + 2 * np.pi * x01)


failures = []


def same(what, ours, theirs, tol=0.0, scale=None):
    """Equal (tol 0), or within tol; with `scale`, the difference is taken
    relative to max(|value|, scale)."""
    ours = np.asarray(ours, dtype=float)
    theirs = np.asarray(theirs, dtype=float)
    if ours.shape != theirs.shape:
        failures.append(f"{what}: shape {ours.shape} vs SALib/SciPy {theirs.shape}")
        return
    diff = np.abs(ours - theirs)
    if scale is not None:
        diff = diff / np.maximum(np.abs(theirs), scale)
    worst = float(np.max(diff)) if diff.size else 0.0
    ok = worst <= tol if tol else np.array_equal(ours, theirs)
    print(f"{'ok  ' if ok else 'FAIL'} {what}: max {'relative ' if scale else ''}"
          f"difference {worst:.3g}")
    if not ok:
        failures.append(what)


def main():
    print(f"SALib {version('SALib')}, SciPy {version('scipy')}, NumPy {version('numpy')}")
    tasks, checks = [], []

    # Sobol' points.
    for d, n, skip in [(1, 64, 0), (2, 256, 0), (5, 100, 0), (64, 1024, 0),
                       (7, 128, 1024), (1024, 64, 0), (1024, 32, 4096)]:
        tasks.append({"task": "sobol", "dims": d, "n": n, "skip": skip})
        engine = qmc.Sobol(d, scramble=False)
        if skip:
            engine.fast_forward(skip)
        checks.append(lambda r, d=d, n=n, skip=skip, want=engine.random(n):
                      same(f"Sobol' points d={d} n={n} skip={skip}", r["points"], want))

    # Saltelli designs and Sobol' indices.
    cases = [("Ishigami", 3, 1024, True, 0, ishigami),
             ("Ishigami", 3, 4096, False, 0, ishigami),
             ("Ishigami", 3, 1000, True, 1024, ishigami),
             ("g-function", 8, 512, True, 0,
              lambda x: g_function(x, np.array([0, 1, 4.5, 9, 99, 99, 99, 99])))]
    for name, d, n, second, skip, f in cases:
        x = sobol_sample.sample(problem(d), n, calc_second_order=second,
                                scramble=False, skip_values=skip)
        tasks.append({"task": "saltelli", "base": n, "params": d,
                      "second_order": second, "skip": skip})
        checks.append(lambda r, x=x, label=f"Saltelli design {name} N={n} D={d} "
                      f"second_order={second} skip={skip}": same(label, r["rows"], x))
        y = f(x)
        seed, resamples, level = 12345, 100, 0.95
        salib = sobol_analyze.analyze(problem(d), y, calc_second_order=second,
                                      num_resamples=resamples, conf_level=level,
                                      seed=seed)
        # The bootstrap indices SALib draws for this seed: r[i, k] is row i
        # of resample k.
        r = np.random.default_rng(seed).integers(n, size=(n, resamples))
        tasks.append({"task": "sobol_analyze", "base": n, "params": d,
                      "second_order": second, "y": y.tolist(),
                      "resamples": r.T.tolist(), "conf_level": level})

        def check(out, salib=salib, d=d, second=second, label=f"{name} N={n}"):
            for key in ["S1", "S1_conf", "ST", "ST_conf"]:
                same(f"Sobol' {key} {label}", out[key], salib[key], TOL)
            if second:
                pairs = [(i, j) for i in range(d) for j in range(i + 1, d)]
                same(f"Sobol' S2 {label}", [p[2] for p in out["S2"]],
                     [salib["S2"][i, j] for i, j in pairs], TOL)
                same(f"Sobol' S2_conf {label}", [p[3] for p in out["S2"]],
                     [salib["S2_conf"][i, j] for i, j in pairs], TOL)
        checks.append(check)

    # Morris: SALib's trajectories, analysed by both.
    def morris_case(label, x, levels, d, r):
        y = ishigami(x) if d == 3 else g_function(x, np.arange(d, dtype=float))
        seed, resamples, level = 2024, 200, 0.95
        salib = morris_analyze.analyze(problem(d), x, y, num_resamples=resamples,
                                       conf_level=level, num_levels=levels, seed=seed)
        rng = np.random.default_rng(seed)
        sets = [rng.integers(r, size=(resamples, r)).tolist() for _ in range(d)]
        tasks.append({"task": "morris_analyze", "rows": x.tolist(), "levels": levels,
                      "y": y.tolist(), "resamples": sets, "conf_level": level})

        def check(out):
            for key in ["mu", "mu_star", "sigma", "mu_star_conf"]:
                same(f"Morris {key} {label}", out[key], salib[key], TOL)
        checks.append(check)

    for d, r, levels in [(3, 50, 4), (6, 40, 6)]:
        x = morris_sample.sample(problem(d), r, num_levels=levels, seed=7)
        morris_case(f"SALib trajectories D={d} r={r} p={levels}", x, levels, d, r)

    # Morris: statecraft's trajectories, analysed by both. Run the sampling
    # first, then queue the analysis.
    first = statecraft([{"task": "morris", "params": 4, "trajectories": 30,
                         "levels": 4, "seed": 99}])
    morris_case("statecraft trajectories D=4 r=30 p=4",
                np.array(first[0]["rows"]), 4, 4, 30)

    # Prior quantiles.
    u = np.concatenate([[0.0, 1e-12, 1e-6, 0.001], np.linspace(0.01, 0.99, 99),
                        [0.999, 1 - 1e-6, 1.0]])
    # (text, SciPy's distribution, a scale of its values: the width of the
    # range, or the smallest value of a log-uniform.) Differences are taken
    # relative to max(|x|, scale): near a bound at 0 every method loses
    # relative precision to cancellation.
    priors = [
        ("uniform(0.1, 0.9)", stats.uniform(0.1, 0.8), 0.8),
        ("loguniform(1e-3, 10)", stats.loguniform(1e-3, 10), 1e-3),
        ("beta(2, 5)", stats.beta(2, 5), 1.0),
        ("beta(0.5, 0.5, -1, 3)", stats.beta(0.5, 0.5, loc=-1, scale=4), 4.0),
        ("beta(30, 2)", stats.beta(30, 2), 1.0),
        ("normal(0.5, 0.1, 0, 1)", stats.truncnorm(-5, 5, loc=0.5, scale=0.1), 1.0),
        ("normal(0, 1, 3, 6)", stats.truncnorm(3, 6), 3.0),
        ("normal(0, 1, -9, -8)", stats.truncnorm(-9, -8), 1.0),
    ]
    for text, dist, scale in priors:
        tasks.append({"task": "quantile", "prior": text, "u": u.tolist()})
        checks.append(lambda out, text=text, want=dist.ppf(u), scale=scale:
                      same(f"quantile {text}", out["x"], want, 1e-12, scale))

    results = statecraft(tasks)
    for check, result in zip(checks, results):
        check(result)
    real_sweeps()
    if failures:
        sys.exit("mismatches: " + "; ".join(failures))
    print("statecraft agrees with SALib and SciPy")


def statecraft_binary():
    """The built program: STATECRAFT_BIN, or cargo's release build."""
    binary = os.environ.get("STATECRAFT_BIN")
    if binary:
        return binary
    build = subprocess.run(["cargo", "build", "--quiet", "--release", "--bin", "statecraft"],
                           capture_output=True, text=True, cwd=ROOT)
    if build.returncode != 0:
        sys.exit(f"building statecraft failed:\n{build.stderr}")
    return os.path.join(ROOT, "target", "release", "statecraft")


def sweep_outputs(out):
    """Each output of a sweep, as sensitivity.csv names it: (profile, state,
    output) -> values in point order."""
    s = pd.read_csv(f"{out}/sweep.csv", keep_default_na=False, na_values=[""])
    outputs = {}
    for (profile, state, metric), g in s.groupby(["profile", "state", "metric"], sort=False):
        outputs[(profile, state, metric)] = g.sort_values("point")["mean"].to_numpy()
    r = pd.read_csv(f"{out}/sweep_retrodiction.csv", keep_default_na=False, na_values=[""])
    for (profile, fact), g in r.groupby(["profile", "fact"], sort=False):
        outputs[(profile, "", f"fact:{fact}")] = g.sort_values("point")["share"].to_numpy()
    return outputs


def real_sweeps():
    binary = statecraft_binary()
    vary = ["--vary", "doctrines.neoliberal.discount=0.5:0.95",
            "--vary", "games.trade_dilemma.noise=0:0.05"]
    d = 2
    with tempfile.TemporaryDirectory() as tmp:
        for design, extra in [("sobol", ["--base", "16", "--second-order"]),
                              ("morris", ["--trajectories", "6", "--levels", "4"])]:
            out = os.path.join(tmp, design)
            run = subprocess.run(
                [binary, "sweep", "scenarios/classic_cooperation.toml", "--design", design,
                 *extra, *vary, "--runs", "20", "--seed", "5", "--summary-only", "--quiet",
                 "--out", out], capture_output=True, text=True, cwd=ROOT)
            if run.returncode != 0:
                sys.exit(f"statecraft sweep --design {design} failed:\n{run.stderr}")
            state = json.load(open(f"{out}/sweep.json"))
            unit = np.array(state["sensitivity"]["unit"])
            if design == "sobol":
                want = sobol_sample.sample(problem(d), 16, calc_second_order=True,
                                           scramble=False)
                same("real sweep: Saltelli design in sweep.json", unit, want)
            sens = pd.read_csv(f"{out}/sensitivity.csv", keep_default_na=False,
                               na_values=[""])
            sens["state"] = sens["state"].fillna("")  # facts have no state
            names = [x["path"] for x in state["dimensions"]]
            worst, checked = 0.0, 0
            for key, y in sweep_outputs(out).items():
                rows = sens[(sens.profile == key[0]) & (sens.state == key[1])
                            & (sens.output == key[2])]
                if not np.all(np.isfinite(y)) or np.all(y == y[0]):
                    if len(rows):
                        failures.append(f"real {design} sweep: {key} has indices but "
                                        "is constant or undefined")
                    continue
                ours = {(p, i): e for p, i, e in zip(rows.parameter, rows["index"], rows.estimate)}
                if design == "sobol":
                    salib = sobol_analyze.analyze(problem(d), y, calc_second_order=True,
                                                  num_resamples=10, seed=1)
                    theirs = {}
                    for j, n in enumerate(names):
                        theirs[(n, "S1")] = salib["S1"][j]
                        theirs[(n, "ST")] = salib["ST"][j]
                    theirs[(f"{names[0]}*{names[1]}", "S2")] = salib["S2"][0, 1]
                else:
                    salib = morris_analyze.analyze(problem(d), unit, y, num_resamples=10,
                                                   num_levels=4, seed=1)
                    theirs = {}
                    for j, n in enumerate(names):
                        for k in ["mu", "mu_star", "sigma"]:
                            theirs[(n, k)] = salib[k][j]
                if set(ours) != set(theirs):
                    failures.append(f"real {design} sweep: {key}: rows {sorted(ours)} "
                                    f"vs SALib's {sorted(theirs)}")
                    continue
                for k in theirs:
                    worst = max(worst, abs(ours[k] - theirs[k]))
                checked += 1
            ok = worst <= TOL and checked > 0
            print(f"{'ok  ' if ok else 'FAIL'} real {design} sweep: {checked} outputs, "
                  f"max difference from SALib's analyze {worst:.3g}")
            if not ok:
                failures.append(f"real {design} sweep")


if __name__ == "__main__":
    main()
