from utils import slugify, title_case


def headline(raw):
    title = title_case(raw)
    return {"title": title, "slug": slugify(title)}
