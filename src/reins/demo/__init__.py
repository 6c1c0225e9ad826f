"""`reins demo`: a bundled sample project with a failing test."""
