from dataclasses import dataclass


@dataclass
class UserRecord:
    """One member of the club."""
    name: str
    email: str
    active: bool = True

    def display(self):
        status = "" if self.active else " (inactive)"
        return f"{self.name} <{self.email}>{status}"
