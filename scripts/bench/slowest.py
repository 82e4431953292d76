#!/usr/bin/env python3
"""Times every path of a path file once, one request at a time, and prints the slowest: the
queries behind a high p99 in scripts/bench-search.sh, to read their plans.

    slowest.py PATHS BASE_URL TOKEN [N]
"""
import sys
import time
import urllib.request

paths_file, base, token = sys.argv[1:4]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 15
timed = []
for path in open(paths_file, encoding="utf-8").read().split():
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    timed.append((time.perf_counter() - start, path))
timed.sort(reverse=True)
ms = sorted(t * 1000 for t, _ in timed)
print(f"{len(ms)} requests: p50 {ms[len(ms) // 2]:.1f} ms, p99 {ms[int(len(ms) * 0.99)]:.1f} ms, "
      f"mean {sum(ms) / len(ms):.2f} ms")
for t, path in timed[:n]:
    print(f"{t * 1000:8.1f} ms  {urllib.request.unquote(path)}")
