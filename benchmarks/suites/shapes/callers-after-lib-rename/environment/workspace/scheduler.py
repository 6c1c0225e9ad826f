from lib.timeparse import format_seconds, parse_duration


class Job:
    def __init__(self, name, every):
        self.name = name
        self.every = parse_duration(every)

    def runs_per_day(self):
        return 86400 // self.every

    def describe(self):
        return f"{self.name}: every {format_seconds(self.every)}, {self.runs_per_day()}x a day"
