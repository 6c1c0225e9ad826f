from .summary import mean, median
