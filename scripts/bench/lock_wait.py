"""How long another writer waits for an SQLite registry's write lock while `shangyun import`
runs: takes the lock (BEGIN IMMEDIATE, then ROLLBACK) every 100 ms with a 60 s busy timeout,
as a second process would, and prints each wait and the median, p90 and longest. A figure
printer, not a test. Run by scripts/bench-import-lock.sh.

    python3 scripts/bench/lock_wait.py DB COMMAND...
"""

import sqlite3
import subprocess
import sys
import time


def main() -> None:
    db, command = sys.argv[1], sys.argv[2:]
    started = time.monotonic()
    importer = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    waits = []
    time.sleep(0.5)
    while importer.poll() is None:
        conn = sqlite3.connect(db, timeout=60, isolation_level=None)
        asked = time.monotonic()
        conn.execute("BEGIN IMMEDIATE")
        waited = time.monotonic() - asked
        conn.execute("ROLLBACK")
        conn.close()
        waits.append(waited)
        if waited > 0.05:
            print(f"{time.monotonic() - started:7.2f} s: waited {waited * 1000:.0f} ms", flush=True)
        time.sleep(0.1)
    if importer.returncode != 0:
        sys.exit(f"the import failed (exit {importer.returncode})")
    if not waits:
        sys.exit("the import ended before the first attempt")
    waits.sort()
    ms = lambda s: f"{s * 1000:.0f} ms"
    print(
        f"{len(waits)} write attempts during the import; wait for the write lock: "
        f"median {ms(waits[len(waits) // 2])}, p90 {ms(waits[int(len(waits) * 0.9)])}, "
        f"longest {ms(waits[-1])}"
    )


if __name__ == "__main__":
    main()
