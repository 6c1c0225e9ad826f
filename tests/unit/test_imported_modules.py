"""The project's modules a named Python file imports, found and attached with it."""

from __future__ import annotations

import os

from reins.agent.imported_modules import local_imports
from tests.unit.test_coding_rules import Prefills
from tests.unit.test_session import open_scripted

FILES = {"build.py", "textutils.py", "shop/cart.py", "shop/tax.py", "shop/__init__.py",
         "shop/util/money.py"}  # fmt: skip


def imports(source, path="build.py"):
    return local_imports(source, path, FILES.__contains__)


def test_absolute_from_and_relative_imports_are_found_in_the_order_written():
    source = (
        "import os, sys\nimport json\nfrom textutils import slugify\nimport shop.cart\n"
        "from shop import tax, nothing\nfrom collections import defaultdict\n"
    )
    assert imports(source) == ["textutils.py", "shop/cart.py", "shop/tax.py"]
    # beside the importing file first, then from the root; relative ones from the package
    assert imports("from tax import rate\n", "shop/cart.py") == ["shop/tax.py"]
    assert imports("from .tax import rate\nfrom .util.money import cents\n", "shop/cart.py") == [
        "shop/tax.py", "shop/util/money.py"
    ]  # fmt: skip
    assert imports("from ..tax import rate\n", "shop/util/money.py") == ["shop/tax.py"]
    assert imports("from . import tax\n", "shop/cart.py") == ["shop/tax.py"]


def test_no_module_is_found_in_what_does_not_parse_or_in_the_file_itself():
    assert imports("from textutils import (\n") == []
    assert imports("import build\n") == []  # itself
    assert imports("import shop\n") == []  # a package's __init__ is left out


async def test_a_named_script_gets_the_module_it_imports_and_stays_the_file_written(
    repo, store, tmp_path
):
    (repo / "textutils.py").write_text("def slugify(title):\n    return title.lower()\n")
    (repo / "build.py").write_text(
        "import secret_link\nfrom textutils import slugify\n\nprint(slugify('A b'))\n"
    )
    outside = tmp_path / "secret.py"
    outside.write_text("TOKEN = 'not for the model'\n")
    os.symlink(outside, repo / "secret_link.py")
    done = {"content": "build.py\n```python\nprint(1)\n```"}
    seen = {}
    for on in (True, False):
        session = open_scripted(repo, store, tmp_path, [done], profile="qwen-files",
                                profiles={"qwen-files": {"attach_imported": on}})  # fmt: skip
        prefills = Prefills()
        session.hooks.append(prefills)
        await session.run("`python3 build.py` keeps accents in slugs; see build.py.")
        seen[on] = ([m.content for m in session.history if m.role == "user"][0], prefills)
    request, prefills = seen[True]
    assert "# Modules the files above import, as they are now" in request
    assert "## textutils.py\n```python\ndef slugify(title):" in request
    assert "not for the model" not in request  # a link out of the workspace is not followed
    assert prefills.prefills[0].startswith("build.py\n```")  # the named file is still written
    assert "## textutils.py" not in seen[False][0]
