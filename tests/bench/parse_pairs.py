#!/usr/bin/env python3
"""Parser wall time against xmllint --stream in alternating pairs: on a
shared machine a load that comes and goes hits both sides alike, where
hyperfine's runs of one command then the other can catch it on one side
only. Prints the medians and the median of the paired ratios. Not a test.

    tests/bench/parse_pairs.py RUNS FEED... (after tests/bench/parse has
    built build-bench/tests/bench_parse; gen_feed.py makes the feeds)
"""

import os
import resource
import statistics
import subprocess
import sys
import time

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                     "build-bench", "tests", "bench_parse")


def run(cmd):
    t = time.perf_counter()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return time.perf_counter() - t, cpu


def main():
    runs = int(sys.argv[1])
    for feed in sys.argv[2:]:
        ours, floor = [], []
        for _ in range(runs):
            ours.append(run([BENCH, feed]))
            floor.append(run(["xmllint", "--stream", "--noout", feed]))
        ow, oc = (statistics.median(x[i] for x in ours) for i in (0, 1))
        fw, fc = (statistics.median(x[i] for x in floor) for i in (0, 1))
        paired = statistics.median(o[0] / f[0] for o, f in zip(ours, floor))
        print("%s: pactfeed wall %.0f ms cpu %.0f ms; xmllint wall %.0f ms cpu %.0f ms; "
              "wall %.2fx, cpu %.2fx, median of paired ratios %.2fx"
              % (os.path.basename(feed), ow * 1e3, oc * 1e3, fw * 1e3, fc * 1e3,
                 ow / fw, oc / fc, paired))


if __name__ == "__main__":
    main()
