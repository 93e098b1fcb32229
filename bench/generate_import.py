"""Write a synthetic year of a large landlord's complaints in the import format.

    python bench/generate_import.py 100000 > /tmp/history-100k.csv

The rows come from putright.imports.synthetic (a fixed seed, so runs compare).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from putright.imports.synthetic import write_csv

if __name__ == "__main__":
    write_csv(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, sys.stdout)
