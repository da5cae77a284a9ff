#!/usr/bin/env python3
"""Counts test cases in meson's testlog.json files (one per pass): every
TAP result of a GTest program, and a whole program where it reports no TAP
lines; and, in a .txt file from tests/fuzz/run-fuzzers.sh, every fuzz
target ("TARGET: N runs, …" passed, "TARGET: FAILED …" failed)."""
import json
import re
import sys

passed = failed = skipped = 0
entries = []
for path in sys.argv[1:]:
    try:
        if path.endswith(".txt"):
            text = open(path, encoding="utf-8").read()
            passed += len(re.findall(r"^\S+: \S+ runs,", text, re.M))
            failed += len(re.findall(r"^\S+: FAILED", text, re.M))
            continue
        entries += [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    except OSError as error:
        print(f"no test log: {error}")
        print("0 passed, 1 failed")
        sys.exit(1)

for entry in entries:
    tap = re.findall(r"^(ok|not ok)\b(.*)$", entry.get("stdout") or "", re.M)
    if not tap:
        result = entry["result"]
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
        continue
    for verdict, rest in tap:
        if "# SKIP" in rest.upper():
            skipped += 1
        elif verdict == "ok":
            passed += 1
        else:
            failed += 1
    # A program that crashed after some passing cases still failed.
    if entry["result"] not in ("OK", "SKIP", "EXPECTEDFAIL") and not any(v == "not ok" for v, _ in tap):
        failed += 1

line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or passed == 0 else 0)
