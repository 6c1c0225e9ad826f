from units import c_to_f, kmh_to_ms

from weather.readings import load


def daily_report(path):
    readings = load(path)
    lines = []
    for station in sorted({r.station for r in readings}):
        mine = [r for r in readings if r.station == station]
        high = max(r.temp_c for r in mine)
        low = min(r.temp_c for r in mine)
        wind = max(r.wind_kmh for r in mine)
        lines.append(f"{station}: high {high:.1f}C/{c_to_f(high):.1f}F, "
                     f"low {low:.1f}C/{c_to_f(low):.1f}F, max wind {kmh_to_ms(wind):.1f} m/s")
    return "\n".join(lines)
