"""One edit engine behind edit_file, apply_patch and write_file: typed hunks, a cascade of
increasingly tolerant locators, and a merge that never guesses (see engine.py)."""
