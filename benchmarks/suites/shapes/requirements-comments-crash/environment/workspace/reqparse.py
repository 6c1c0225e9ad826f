"""Read requirements.txt files."""

import re

# "name", "name==1.2.3", "name>=1.2", "name[extra]~=2.0" ...
REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(?:(==|>=|<=|~=|!=|>|<)\s*(\S+))?$")


def parse_requirements(text):
    """Map each requirement's name (lowercased) to (operator, version).

    Requirements without a version give (None, None).
    """
    requirements = {}
    for line in text.splitlines():
        name, _extras, operator, version = REQUIREMENT.match(line.strip()).groups()
        requirements[name.lower()] = (operator, version)
    return requirements
