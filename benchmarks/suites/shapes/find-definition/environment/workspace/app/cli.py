from app.util.timefmt import parse_duration


def main(argv):
    seconds = parse_duration(argv[1])
    print(seconds)
