#!/usr/bin/env python3
"""Appends a "Goals" section to a benchmark report written by scripts/bench.

Every figure is read from the report's own tables, so the verdicts always belong to the run
above them. A goal whose figure is missing (the quick run measures less) is reported as "not
measured", never as met.
Usage: bench_goals.py REPORT
"""

import re
import sys


def rows(text, first_cell):
    """Cells of every table row whose first cell matches `first_cell` (a regex)."""
    found = []
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and re.fullmatch(first_cell, cells[0]):
            found.append(cells)
    return found


def number(cell):
    match = re.search(r"[0-9]+(?:\.[0-9]+)?", cell or "")
    return float(match.group()) if match else None


def millis(cell):
    """wrk's latency cells: 712.00us, 0.99ms, 1.20s."""
    match = re.fullmatch(r"([0-9.]+)(us|ms|s)", cell or "")
    if not match:
        return None
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


# Why a goal can be missed on this machine, shown only when it is.
LIMITS = {
    "cold": (
        "About 1,300 requests for 20,000 apps; what remains is the simulator on the same two cores rendering "
        "ten list pages of 5,000 resources (about 0.33 s of CPU each, measured with curl against "
        "`foundation-sim --profile large`) and answering 400 Log Cache queries of 100 apps each. Pages after "
        "the first are read four at a time and Log Cache queries twenty at a time, so the wall time follows "
        "the simulator's CPU more than the 20 ms latency: compare the 0 ms row, where no latency is added."
    ),
    "rss": (
        "The `huge` CF snapshot (50,000 apps, about 250,000 instances) is held twice while a refresh "
        "completes: decoded for the analysis and gzip-encoded in the cache, plus the analysis itself and the "
        "rendered bodies. Log Cache samples are no longer all held at once (that was 1.3 GB); the rest is "
        "the snapshot's strings (guids and names) and the allocator keeping freed pages."
    ),
    "zip": (
        "Every function links the whole app layer: the DynamoDB and Secrets Manager SDK clients, rustls "
        "with aws-lc-rs (shared with the AWS SDK's HTTPS client), jsonwebtoken and the planning core. The "
        "AWS SDK crates are already built for size (Cargo.toml); the next step is splitting the app layer so "
        "that read-only functions do not link planning and import."
    ),
}


def main():
    path = sys.argv[1]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = text.split("\n## Goals\n")[0].rstrip("\n") + "\n"
    results = []

    cold = rows(text, r"large")
    cold = [r for r in cold if len(r) >= 3 and r[1] == "20 ms"]
    seconds = number(cold[0][2]) if cold else None
    results.append(("Cold refresh of `large` at 20 ms latency", "≤ 1.5 s",
                    f"{seconds:.2f} s" if seconds is not None else None,
                    None if seconds is None else seconds <= 1.5, "cold"))

    for route in ("/api/dashboard", "/api/cells"):
        found = rows(text, re.escape(f"`{route}`"))
        if found and len(found[0]) >= 5:
            rps, p99 = number(found[0][2]), millis(found[0][4])
            results.append((f"Warm `{route}` p99", "≤ 1 ms", found[0][4], p99 is not None and p99 <= 1.0, None))
            results.append((f"Warm `{route}` throughput", "≥ 20,000 req/s", f"{rps:,.0f} req/s",
                            rps is not None and rps >= 20000, None))
        else:
            results.append((f"Warm `{route}`", "p99 ≤ 1 ms, ≥ 20,000 req/s", None, None, None))

    huge = [r for r in rows(text, r"huge") if len(r) >= 2 and r[1].endswith("MB")]
    peak = max(number(c) for c in huge[0][1:]) if huge else None
    results.append(("Peak RSS of `huge` (refresh and serving)", "≤ 100 MB",
                    f"{peak:.1f} MB" if peak is not None else None,
                    None if peak is None else peak <= 100, "rss"))

    zips = [r for r in rows(text, r"[a-z-]+") if len(r) == 3 and r[2].endswith("MB") and r[1].endswith("MB")]
    quick = "Quick mode: sizes of host debug builds" in text
    if zips and not quick:
        largest = max(zips, key=lambda r: number(r[2]))
        results.append(("Lambda zip, every function", "≤ 5 MB", f"largest {largest[0]}: {largest[2]}",
                        number(largest[2]) <= 5.0, "zip"))
    else:
        results.append(("Lambda zip, every function", "≤ 5 MB", None, None, None))

    flight = rows(text, r"[0-9]+")
    flight = [r for r in flight if len(r) == 5]
    if flight:
        results.append(("Single flight: upstream collects for concurrent cold requests", "1",
                        f"{flight[0][4]} for {flight[0][0]} requests", flight[0][4] == "1", None))

    bundle = re.search(r"total\s+[0-9.]+ KB raw\s+([0-9.]+) KB gzip", text)
    if bundle:
        kb = float(bundle.group(1))
        results.append(("First-view JavaScript", "≤ 250 KB gzip", f"{kb:.1f} KB", kb <= 250, None))

    out = ["", "## Goals", "",
           "Read by `scripts/lib/bench_goals.py` from the tables above (same run).", "",
           "| goal | target | measured | met |", "|---|---|---|---|"]
    gaps = []
    for name, target, measured, met, limit in results:
        verdict = "not measured" if met is None else ("yes" if met else "**no**")
        out.append(f"| {name} | {target} | {measured or '–'} | {verdict} |")
        if met is False and limit and limit not in gaps:
            gaps.append(limit)
    for limit in gaps:
        title = {"cold": "cold refresh", "rss": "memory", "zip": "Lambda size"}[limit]
        out += ["", f"**Gap ({title}).** {LIMITS[limit]}"]
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n".join(out) + "\n")


if __name__ == "__main__":
    main()
