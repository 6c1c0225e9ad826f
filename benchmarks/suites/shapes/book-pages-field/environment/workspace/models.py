from dataclasses import dataclass


@dataclass
class Book:
    title: str
    author: str
    year: int

    def label(self):
        return f"{self.title} ({self.year}) by {self.author}"
