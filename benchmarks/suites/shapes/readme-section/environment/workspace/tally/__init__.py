def count(text):
    return {"words": len(text.split()), "lines": len(text.splitlines()), "chars": len(text)}
