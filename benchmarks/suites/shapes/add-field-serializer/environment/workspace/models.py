"""Domain objects for the members service."""

from dataclasses import dataclass, field


@dataclass
class User:
    id: int
    name: str
    email: str
    is_admin: bool = False
    tags: list[str] = field(default_factory=list)

    @property
    def display_name(self):
        return f"{self.name} <{self.email}>"
