"""The evaluation lab: task suites in Harbor's layout, a runner for agents × variants ×
epochs, statistics with confidence intervals, and reports (`reins bench`)."""
