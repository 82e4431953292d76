#!/usr/bin/env python3
"""Realistic registry queries for scripts/bench-search.sh, drawn from the loaded data.

Reads sample rows (uscc, name, registered_region, industry as TSV) on stdin and writes two path
files: SEARCH (list queries: region subtree, industry division, size class, tier, name fragment,
sort, page size, some second pages) and PAGES (one enterprise file each). Deterministic (seed 7).

    queries.py SEARCH PAGES BASE_URL TOKEN < sample.tsv
"""
import json
import random
import sys
import urllib.parse
import urllib.request

search_out, pages_out, base, token = sys.argv[1:5]
rows = [line.rstrip("\n").split("\t") for line in sys.stdin if line.count("\t") == 3]
if not rows:
    sys.exit("queries.py: no sample rows")
rng = random.Random(7)


def fragment(name):
    """A piece of a real name: the trade name (2 chars) or trade + industry word (3-4 chars)."""
    core = name.replace("有限公司", "").replace("股份", "")
    # Demo names are 地名 + 字号 + 行业词 + 有限公司; drop the place (2-3 chars).
    body = core[2:] if len(core) > 4 else core
    size = rng.choice([2, 3, 3, 4])
    start = rng.randrange(max(1, len(body) - size + 1))
    return body[start:start + size]


def query():
    r = rng.choice(rows)
    _, name, region, industry = r
    params = []
    # Region: province, city or county of a real firm (an officer's usual view).
    level = rng.choice([2, 4, 4, 6])
    params.append(("region", region[:level] + "0" * (6 - level)))
    if rng.random() < 0.5:
        params.append(("industry", industry[:2]))
    if rng.random() < 0.4:
        params.append(("size", rng.choice(["micro", "small", "medium", "small,micro"])))
    if rng.random() < 0.2:
        params.append(("tier", rng.choice(["innovative", "specialized", "little-giant"])))
    if rng.random() < 0.5:
        params.append(("q", fragment(name)))
    if rng.random() < 0.5:
        params.append(("sort", rng.choice(["name", "-name", "region", "uscc", "-uscc"])))
    params.append(("limit", str(rng.choice([20, 50]))))
    return "/api/v1/enterprises?" + urllib.parse.urlencode(params)


def fetch(path):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


searches = [query() for _ in range(400)]
# Second pages: follow the cursor of some first pages.
for path in searches[:100]:
    page = fetch(path)
    if page.get("next_after"):
        searches.append(path + "&" + urllib.parse.urlencode({"after": page["next_after"]}))
rng.shuffle(searches)
with open(search_out, "w", encoding="utf-8") as f:
    f.write("\n".join(searches) + "\n")
with open(pages_out, "w", encoding="utf-8") as f:
    f.write("\n".join("/api/v1/enterprises/" + r[0] for r in rows[:2000]) + "\n")
print(f"{len(searches)} search paths, {min(len(rows), 2000)} enterprise pages", file=sys.stderr)
