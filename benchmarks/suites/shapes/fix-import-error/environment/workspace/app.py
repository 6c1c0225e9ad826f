import sys

from weather import daily_report

if __name__ == "__main__":
    print(daily_report(sys.argv[1] if len(sys.argv) > 1 else "readings.csv"))
