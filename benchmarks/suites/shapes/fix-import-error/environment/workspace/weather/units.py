def c_to_f(celsius):
    return celsius * 9 / 5 + 32


def kmh_to_ms(kmh):
    return kmh / 3.6
