#!/usr/bin/env python3
"""The attacker's test of `gpmsync export`'s small-count protection.

Reads a published data package (--published) and the same export made without suppression (--truth), and
tries to work out every suppressed value from what is published, knowing only the published tables:

- the additive groups: along each dimension, the ALL row and its parts; along the org units, a province's
  ALL row and its district municipalities (metropolitan ones, `-bb`, are not parts: the README says so);
- the bounds of a measure that is not additive over a dimension (datapackage.json's nonAdditiveOver):
  max(parts) <= ALL <= sum(parts);
- non-negativity.

Two attacks per connected set of suppressed cells: linear algebra (a cell is determined iff its unit vector
lies in the row space of the equations restricted to the suppressed cells: numpy's rank) and linear
programming (scipy's HiGHS: the smallest and largest value each suppressed cell can take; equal means
recovered). Then it checks that nothing was hidden without need: publishing any one secondary cell alone
(its true value) must break the protection (a group with a single suppressed cell, or a determined cell).
And it checks that the attack has teeth: with primary suppression alone, it must recover cells.

Prints one JSON report; exit 0 when it ran (the caller judges the numbers).
"""
import argparse
import collections
import csv
import json
import os
import sys

import numpy as np
from scipy.linalg import null_space
from scipy.optimize import linprog

FIXED = ("period", "province", "org_unit", "source", "missing_reason")


def load(folder):
    package = json.load(open(os.path.join(folder, "datapackage.json"), encoding="utf-8"))
    tables = {}
    for res in package["resources"]:
        fields = res["schema"]["fields"]
        dims = [f["name"] for f in fields if f["type"] == "string" and f["name"] not in FIXED]
        measures = [(f["name"], set(f.get("nonAdditiveOver", []))) for f in fields if f["type"] == "integer"]
        with open(os.path.join(folder, res["path"]), encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        tables[res["name"]] = (dims, measures, rows)
    return tables


def groups_of(dims, measures, rows):
    """(total cell, [part cells], additive) for every group; a cell is (row index, measure index)."""
    out = []
    for d in dims:
        buckets = collections.defaultdict(lambda: [None, []])
        for i, r in enumerate(rows):
            key = (r["period"], r["province"], r["org_unit"]) + tuple(r[e] for e in dims if e != d)
            if r[d] == "ALL":
                buckets[key][0] = i
            else:
                buckets[key][1].append(i)
        for total, parts in buckets.values():
            if total is None or not parts:
                continue
            for m, (_, non_additive) in enumerate(measures):
                out.append(((total, m), [(p, m) for p in parts], d not in non_additive))
    buckets = collections.defaultdict(lambda: [None, []])
    for i, r in enumerate(rows):
        key = (r["period"], r["province"]) + tuple(r[e] for e in dims)
        if r["org_unit"] == "ALL":
            buckets[key][0] = i
        elif not r["org_unit"].endswith("-bb"):
            buckets[key][1].append(i)
    for total, parts in buckets.values():
        if total is None or not parts:
            continue
        for m, (_, non_additive) in enumerate(measures):
            out.append(((total, m), [(p, m) for p in parts], "org_unit" not in non_additive))
    return out


def value(rows, measures, cell):
    text = rows[cell[0]][measures[cell[1]][0]]
    return int(text) if text != "" else None


class Attack:
    """The published knowledge: known values, unknown (suppressed) cells, the groups."""

    def __init__(self, groups, known, unknown):
        has = lambda c: c in known or c in unknown
        self.groups = [g for g in groups if has(g[0]) and any(has(p) for p in g[1])]
        self.known = known        # cell -> value
        self.unknown = set(unknown)
        self.by_cell = collections.defaultdict(list)
        for k, (t, parts, _) in enumerate(self.groups):
            for c in [t] + parts:
                self.by_cell[c].append(k)

    def members(self, g):
        t, parts, _ = self.groups[g]
        return [t] + parts

    def components(self, seeds=None):
        seen, result = set(), []
        for s in (seeds if seeds is not None else sorted(self.unknown)):
            if s in seen or s not in self.unknown:
                continue
            comp, groups, stack = [], set(), [s]
            seen.add(s)
            while stack:
                c = stack.pop()
                comp.append(c)
                for g in self.by_cell[c]:
                    if g in groups:
                        continue
                    groups.add(g)
                    for o in self.members(g):
                        if o in self.unknown and o not in seen:
                            seen.add(o)
                            stack.append(o)
            result.append((comp, sorted(groups)))
        return result

    def equations(self, comp, groups, tight=None):
        """Equalities and inequalities over `comp`. With `tight` (true values), a non-additive group's
        bounds that are tight at the true values become equations and the others are dropped: the local
        picture a linear programme sees at the true point (used to judge what publishing a cell would fix)."""
        col = {c: j for j, c in enumerate(comp)}
        eq_rows, eq_rhs, le_rows, le_rhs = [], [], [], []
        for g in groups:
            t, parts, additive = self.groups[g]
            def coeffs(terms):
                row, const = np.zeros(len(comp)), 0.0
                for sign, c in terms:
                    if c in col:
                        row[col[c]] += sign
                    else:
                        const += sign * self.known.get(c, 0)
                return row, const
            if additive:
                row, const = coeffs([(1, t)] + [(-1, p) for p in parts])
                eq_rows.append(row); eq_rhs.append(-const)
            elif tight is not None:
                tv = lambda c: tight.get(c, self.known.get(c, 0))
                if tv(t) == sum(tv(p) for p in parts):
                    row, const = coeffs([(1, t)] + [(-1, p) for p in parts])
                    eq_rows.append(row); eq_rhs.append(-const)
                for p in parts:
                    if tv(p) == tv(t):
                        row, const = coeffs([(1, t), (-1, p)])
                        eq_rows.append(row); eq_rhs.append(-const)
            else:
                # part <= total for each part; total <= sum(parts)
                for p in parts:
                    row, const = coeffs([(1, p), (-1, t)])
                    le_rows.append(row); le_rhs.append(-const)
                row, const = coeffs([(1, t)] + [(-1, p) for p in parts])
                le_rows.append(row); le_rhs.append(-const)
        return eq_rows, eq_rhs, le_rows, le_rhs

    def null_spaces(self, seeds=None, tight=None):
        """Per connected set: its cells and a null-space basis of its equations (SVD), row by cell."""
        for comp, groups in self.components(seeds):
            eq, _, _, _ = self.equations(comp, groups, tight)
            eq = [r for r in eq if np.any(r)]
            basis = null_space(np.array(eq)) if eq else np.eye(len(comp))
            yield comp, basis

    def determined_by_rank(self, seeds=None):
        """Cells whose unit vector lies in the row space of the equations: a zero row of the null space."""
        found = []
        for comp, basis in self.null_spaces(seeds):
            for j, c in enumerate(comp):
                if basis.shape[1] == 0 or np.linalg.norm(basis[j]) < 1e-8:
                    found.append(c)
        return found

    def needed(self, truth):
        """Per secondary candidate x: whether publishing it alone (x fixed) would fix another cell: c is then
        determined iff its null-space row is parallel to x's (in the local picture at the true values)."""
        result = {}
        for comp, basis in self.null_spaces(tight=truth):
            norms = np.linalg.norm(basis, axis=1)
            for j, x in enumerate(comp):
                dots = np.abs(basis @ basis[j])
                gap = norms * norms[j] - dots
                gap[j] = np.inf
                result[x] = bool(np.any(gap <= 1e-7 * np.maximum(1.0, norms * norms[j])))
        return result

    def determined_by_lp(self):
        found = []
        for comp, groups in self.components():
            eq, eq_rhs, le, le_rhs = self.equations(comp, groups)
            kwargs = dict(bounds=[(0, None)] * len(comp), method="highs")
            if eq:
                kwargs.update(A_eq=np.array(eq), b_eq=np.array(eq_rhs))
            if le:
                kwargs.update(A_ub=np.array(le), b_ub=np.array(le_rhs))
            for j, c in enumerate(comp):
                objective = np.zeros(len(comp)); objective[j] = 1
                low = linprog(objective, **kwargs)
                high = linprog(-objective, **kwargs)
                if low.status == 0 and high.status == 0 and (-high.fun) - low.fun < 1e-6:
                    found.append(c)
        return found

    def rule_broken(self, cells):
        """Groups around `cells` with exactly one unknown."""
        for c in cells:
            for g in self.by_cell[c]:
                if sum(1 for o in self.members(g) if o in self.unknown) == 1:
                    return True
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--published", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--threshold", type=int, default=5)
    ap.add_argument("--skip-lp", action="store_true")
    args = ap.parse_args()
    published, truth = load(args.published), load(args.truth)
    report = {"datasets": {}}
    for name, (dims, measures, rows) in published.items():
        _, _, true_rows = truth[name]
        assert len(true_rows) == len(rows), f"{name}: {len(rows)} published rows, {len(true_rows)} true rows"
        groups = groups_of(dims, measures, rows)
        known, unknown, primary, secondary = {}, [], [], []
        small_published, changed = [], []
        for i, r in enumerate(rows):
            for m in range(len(measures)):
                c = (i, m)
                v, t = value(rows, measures, c), value(true_rows, measures, c)
                if v is not None:
                    known[c] = v
                    if 1 <= v < args.threshold:
                        small_published.append(c)
                    if v != t:
                        changed.append(c)
                elif r["missing_reason"] == "suppressed" and t is not None:
                    unknown.append(c)
                    (primary if 1 <= t < args.threshold else secondary).append(c)
        true_value = {c: value(true_rows, measures, c) for c in unknown}
        attack = Attack(groups, known, unknown)
        by_rank = attack.determined_by_rank()
        by_lp = [] if args.skip_lp else attack.determined_by_lp()
        # Nothing hidden without need: each secondary cell published alone must break the protection (a
        # group left with one suppressed cell, or another cell fixed with it).
        parallel = attack.needed(true_value)
        unneeded = []
        for s in secondary:
            alone = any(sum(1 for o in attack.members(g) if o in attack.unknown and o != s) == 1 for g in attack.by_cell[s])
            if not alone and not parallel.get(s, False):
                unneeded.append(s)
        # The attack's teeth: primary suppression alone must give cells away.
        primary_only = Attack(groups, {**known, **{c: true_value[c] for c in secondary}}, primary)
        teeth = primary_only.determined_by_rank()
        def show(cells):
            return [f"{rows[i]['period']}/{rows[i]['org_unit']}/" + "|".join(rows[i][d] for d in dims) + f"/{measures[m][0]}"
                    for i, m in cells[:10]]
        report["datasets"][name] = {
            "rows": len(rows), "groups": len(groups), "suppressed": len(unknown), "primary": len(primary),
            "secondary": len(secondary), "recovered_by_rank": len(by_rank), "recovered_by_lp": len(by_lp),
            "recovered_examples": show(by_rank or by_lp), "unneeded": len(unneeded), "unneeded_examples": show(unneeded),
            "small_published": len(small_published), "changed": len(changed),
            "recovered_with_primary_only": len(teeth),
        }
    json.dump(report, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
