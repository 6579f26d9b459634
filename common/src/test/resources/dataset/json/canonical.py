# Writes canonical/*: each file of examples/ as the Python original writes it (orjson.dumps of the
# values in their key order; .jsonl files end with a newline). Run from this directory:
#   python3 canonical.py
import json
import os

import orjson

os.makedirs("canonical", exist_ok=True)
for name in sorted(os.listdir("examples")):
    with open(os.path.join("examples", name), encoding="utf-8") as f:
        value = json.load(f)
    data = orjson.dumps(value)
    if name.endswith(".jsonl"):
        data += b"\n"
    with open(os.path.join("canonical", name), "wb") as f:
        f.write(data)
