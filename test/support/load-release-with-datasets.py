"""Loads a Parley release folder with Hugging Face `datasets` and prints what a trainer sees.

Usage: python load-release-with-datasets.py RELEASE_FOLDER
Prints one JSON object: split names and sizes, column types, and the profile ids of each split.
"""

import json
import sys

import datasets

folder = sys.argv[1]
loaded = datasets.load_dataset(folder)
result = {"splits": {}, "features": None, "profiles": {}}
for name, split in loaded.items():
    result["splits"][name] = split.num_rows
    result["features"] = {key: str(value) for key, value in split.features.items()}
    result["profiles"][name] = sorted(set(split["user1Profile"]) | set(split["user2Profile"]))
    result.setdefault("splitColumn", {})[name] = sorted(set(split["split"]))
print(json.dumps(result))
