#!/usr/bin/env python3
"""Cross-check `shangyun rules uscc` against python-stdnum's `stdnum.cn.uscc`.

Generates random valid 统一社会信用代码 (random GB/T 2260 region from the project's list, a
random authority/type pair from the project's GB 32100 table, a random organization-code body
with its GB 11714 check computed here, the USCC check from stdnum), then mutations of them
(single substitutions, adjacent transpositions, structural changes with a recomputed USCC
check, random garbage), pipes everything through the built binary (`--json`, JSON lines) and
asserts:

* the check character agrees with stdnum's `calc_check_digit` on every code where it is
  defined (17 legal characters);
* every disagreement on validity is one the project explains: stdnum checks neither the
  embedded organization code, the region, nor the authority/type pair (so it accepts what we
  reject as bad_org_code_check / unknown_region / unknown_authority_type), and it requires
  digits in positions 1-2, so it rejects the letter authorities A, N, Y that we accept;
* every valid code is accepted and every substitution / transposition is rejected;
* 9-character inputs (taken as organization codes) agree with this script's GB 11714 check.

Usage: scripts/crosscheck_uscc.py [--bin PATH] [--count N] [--seed S]
(binary also from $SHANGYUN_BIN, default target/debug/shangyun). Exit status 1 on any failure.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import subprocess
import sys
import tomllib
from pathlib import Path

from stdnum.cn import uscc as stdnum_uscc

ROOT = Path(__file__).resolve().parent.parent
REGIONS_TSV = ROOT / "crates/codes/data/gbt2260_regions.tsv"
AUTHORITY_TOML = ROOT / "crates/ids/data/gb32100_2015_authority_types.toml"

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Disagreements the project explains, by which side rejects.
EXPLAINED_OURS_ONLY = {"bad_org_code_check", "unknown_region", "unknown_authority_type"}
LETTER_AUTHORITIES = set("ANY")


def org_check(body: str) -> str:
    """GB 11714 check character: 11 - (sum mod 11); 10 -> X, 11 -> 0. Written from the standard."""
    total = sum(int(c, 36) * w for c, w in zip(body, ORG_WEIGHTS))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def org_valid(code: str) -> bool:
    code = code.replace("-", "").replace(" ", "").upper()
    if len(code) != 9 or not all(c.isascii() and c.isalnum() for c in code[:8]):
        return False
    return code[8] == org_check(code[:8])


def load_regions() -> list[str]:
    lines = REGIONS_TSV.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t")[0] for line in lines if line.strip()]


def load_pairs() -> list[str]:
    table = tomllib.loads(AUTHORITY_TOML.read_text(encoding="utf-8"))
    return [a["code"] + t["code"] for a in table["authority"] for t in a["types"]]


def with_check(first17: str) -> str:
    return first17 + stdnum_uscc.calc_check_digit(first17)


class Generator:
    def __init__(self, rng: random.Random, regions: list[str], pairs: list[str]):
        self.rng, self.regions, self.pairs = rng, regions, pairs
        self.region_set = set(regions)
        self.pair_set = set(pairs)

    def valid(self) -> str:
        body = "".join(self.rng.choice(ALPHABET) for _ in range(8))
        return with_check(self.rng.choice(self.pairs) + self.rng.choice(self.regions) + body + org_check(body))

    def substitution(self, code: str) -> str:
        i = self.rng.randrange(18)
        other = self.rng.choice([c for c in ALPHABET if c != code[i]])
        return code[:i] + other + code[i + 1 :]

    def transposition(self, code: str) -> str | None:
        places = [i for i in range(17) if code[i] != code[i + 1]]
        if not places:
            return None
        i = self.rng.choice(places)
        return code[:i] + code[i + 1] + code[i] + code[i + 2 :]

    def unknown_pair(self, code: str) -> str:
        """Digit pair outside the table (stdnum accepts digits only there), check recomputed."""
        while True:
            pair = f"{self.rng.randrange(10)}{self.rng.randrange(10)}"
            if pair not in self.pair_set:
                return with_check(pair + code[2:17])

    def unknown_region(self, code: str) -> str:
        while True:
            region = f"{self.rng.randrange(1_000_000):06d}"
            if region not in self.region_set:
                return with_check(code[:2] + region + code[8:17])

    def bad_org_check(self, code: str) -> str:
        """Position 17 changed, position 18 recomputed: only the GB 11714 check is wrong."""
        good = code[16]
        other = self.rng.choice([c for c in "0123456789X" if c != good])
        return with_check(code[:16] + other)

    def garbage(self) -> str:
        length = self.rng.choice([0, 1, 5, 8, 9, 9, 10, 15, 15, 17, 18, 18, 18, 19, 25])
        pool = ALPHABET + "IOSVZ" + "abcxyz" + " -" + "#/.*"
        text = "".join(self.rng.choice(pool) for _ in range(length))
        if length == 15 and self.rng.random() < 0.5:
            text = "".join(self.rng.choice("0123456789") for _ in range(15))
        return text if text.strip(" -") else "X"


def build_inputs(count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    gen = Generator(rng, load_regions(), load_pairs())
    inputs: list[tuple[str, str]] = []
    for _ in range(count):
        code = gen.valid()
        inputs.append(("valid", code))
        inputs.append(("substitution", gen.substitution(code)))
        swapped = gen.transposition(code)
        if swapped is not None:
            inputs.append(("transposition", swapped))
        roll = rng.random()
        if roll < 0.05:
            inputs.append(("unknown_pair", gen.unknown_pair(code)))
        elif roll < 0.10:
            inputs.append(("unknown_region", gen.unknown_region(code)))
        elif roll < 0.15:
            inputs.append(("bad_org_check", gen.bad_org_check(code)))
        elif roll < 0.25:
            inputs.append(("garbage", gen.garbage()))
    return inputs


def run_binary(binary: str, codes: list[str]) -> list[dict]:
    proc = subprocess.run(
        [binary, "rules", "uscc", "--json"],
        input="\n".join(codes) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 1):
        sys.exit(f"{binary} exited {proc.returncode}: {proc.stderr.strip()}")
    return [json.loads(line) for line in proc.stdout.splitlines()]


def stdnum_check(code: str) -> str | None:
    compact = stdnum_uscc.compact(code)
    if len(compact) != 18 or any(c not in ALPHABET for c in compact[:17]):
        return None
    return stdnum_uscc.calc_check_digit(compact[:17])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.environ.get("SHANGYUN_BIN", str(ROOT / "target/debug/shangyun")))
    parser.add_argument("--count", type=int, default=100_000, help="random valid codes (default 100000)")
    parser.add_argument("--seed", type=int, default=32100)
    args = parser.parse_args()

    inputs = build_inputs(args.count, args.seed)
    results = run_binary(args.bin, [code for _, code in inputs])
    failures: list[str] = []
    if len(results) != len(inputs):
        print(f"FAIL: {len(inputs)} inputs but {len(results)} results", file=sys.stderr)
        return 1

    # category -> outcome -> count
    table: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    check_compared = 0
    for (category, code), ours in zip(inputs, results):
        if ours["input"] != code:
            failures.append(f"result out of order: sent {code!r}, got {ours['input']!r}")
            continue
        our_valid = ours["valid"]
        our_kind = ours["error"]["kind"] if ours["error"] else None

        if ours["kind"] == "org_code":
            verdict = "valid" if our_valid else "invalid"
            outcome = f"org code, {verdict}: agrees with GB 11714 here" if our_valid == org_valid(code) else "org code: DISAGREE"
            if outcome.endswith("DISAGREE"):
                failures.append(f"{category} {code!r}: org code valid={our_valid}, GB 11714 here says {org_valid(code)}")
            table[category][outcome] += 1
            continue

        expected = stdnum_check(code)
        if expected is not None:
            check_compared += 1
            if ours["expected_check_character"] != expected:
                failures.append(f"{category} {code!r}: check {ours['expected_check_character']!r}, stdnum {expected!r}")

        theirs_valid = stdnum_uscc.is_valid(code)
        if our_valid == theirs_valid:
            outcome = "both valid" if our_valid else f"both invalid ({our_kind})"
        elif not our_valid and our_kind in EXPLAINED_OURS_ONLY:
            outcome = f"only stdnum accepts: {our_kind}"
        elif our_valid and ours["normalized"][:1] in LETTER_AUTHORITIES:
            outcome = "only we accept: letter authority A/N/Y"
        else:
            outcome = f"UNEXPLAINED (ours {our_kind or 'valid'}, stdnum {'valid' if theirs_valid else 'invalid'})"
            failures.append(f"{category} {code!r}: {outcome}")
        table[category][outcome] += 1

        if category == "valid" and not our_valid:
            failures.append(f"generated valid code rejected: {code} ({our_kind})")
        if category in ("substitution", "transposition") and our_valid:
            failures.append(f"{category} accepted: {code}")

    print(f"binary: {args.bin}   seed: {args.seed}   inputs: {len(inputs)}   stdnum {stdnum_version()}")
    print(f"check character compared with stdnum on {check_compared} codes")
    width = max(len(o) for c in table.values() for o in c)
    for category in ("valid", "substitution", "transposition", "unknown_pair", "unknown_region", "bad_org_check", "garbage"):
        if category not in table:
            continue
        print(f"\n{category} ({sum(table[category].values())})")
        for outcome, n in sorted(table[category].items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {outcome:<{width}}  {n:>7}")

    if failures:
        print(f"\nFAIL: {len(failures)} problems; first 20:", file=sys.stderr)
        for line in failures[:20]:
            print("  " + line, file=sys.stderr)
        return 1
    print("\nOK: every disagreement with stdnum is explained")
    return 0


def stdnum_version() -> str:
    import stdnum

    return stdnum.__version__


if __name__ == "__main__":
    sys.exit(main())
