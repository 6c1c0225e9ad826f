"""Daily weather summaries from station readings."""

from weather.report import daily_report

__all__ = ["daily_report"]
