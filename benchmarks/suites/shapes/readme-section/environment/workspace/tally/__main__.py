import sys
from pathlib import Path

from tally import count

for name in sys.argv[1:]:
    c = count(Path(name).read_text())
    print(f"{name:<30} {c['words']:>8} {c['lines']:>8} {c['chars']:>8}")
