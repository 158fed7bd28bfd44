#!/usr/bin/env python3
"""Whole-process timings of the release binary, as a user sees them.

Runs `marquee stats` (the peer: open the store, count) and `marquee rows`
(open, load the cached model, build and print a page) alternately on the
same database and prints the median of each and their difference, which is
what serving a page costs on top of starting at all. `--command digest`
times `marquee digest` (the profile's "For you this week") the same way.
Use:

    scripts/bench-process.py --db marquee.db --profile ava [--command rows|digest] [--runs 30] [--bin target/release/marquee]
"""
import argparse
import statistics
import subprocess
import time


def once(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--profile", required=True)
    ap.add_argument("--command", choices=["rows", "digest"], default="rows")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--bin", default="target/release/marquee")
    a = ap.parse_args()
    stats = [a.bin, "--db", a.db, "stats"]
    served = [a.bin, "--db", a.db, a.command, "--profile", a.profile]
    once(served)  # warm the cache (and train, if the model is stale)
    t_stats, t_served = [], []
    for _ in range(a.runs):
        t_stats.append(once(stats))
        t_served.append(once(served))
    ms = lambda xs: statistics.median(xs) * 1000
    name = a.command
    print(f"stats  median {ms(t_stats):7.1f} ms")
    print(f"{name:6} median {ms(t_served):7.1f} ms")
    print(f"{name} - stats {ms(t_served) - ms(t_stats):7.1f} ms  (runs: {a.runs})")


if __name__ == "__main__":
    main()
