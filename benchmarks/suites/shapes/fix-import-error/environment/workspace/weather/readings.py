import csv
from dataclasses import dataclass


@dataclass
class Reading:
    station: str
    hour: int
    temp_c: float
    wind_kmh: float


def load(path):
    with open(path, newline="") as f:
        return [Reading(r["station"], int(r["hour"]), float(r["temp_c"]), float(r["wind_kmh"]))
                for r in csv.DictReader(f)]
