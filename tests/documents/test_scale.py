"""A long PDF is read page by page: memory stays flat and every page is there."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from .samples import paged_pdf

pytestmark = pytest.mark.slow

_READ_AND_MEASURE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from billops.adapters.documents import read_document
    doc = read_document(Path(sys.argv[1]))
    # VmHWM is this program's own peak; ru_maxrss would also count the forked
    # pytest worker's memory from before exec (Linux keeps it across exec).
    with open("/proc/self/status") as status:
        peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    print(json.dumps({
        "pages": len(doc.pages),
        "page_of_last": doc.page_of(doc.text.index("Section 200\\n")),
        "max_rss_mib": peak / 1024,
    }))
    """
)


def test_a_200_page_pdf_is_read_in_bounded_memory(tmp_path) -> None:
    path = tmp_path / "long.pdf"
    path.write_bytes(paged_pdf(200))
    result = subprocess.run(
        [sys.executable, "-c", _READ_AND_MEASURE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    measured = json.loads(result.stdout)
    assert measured["pages"] == 200
    assert measured["page_of_last"] == 200
    # Measured about 70 MiB; the bound is 1 GiB. 300 MiB leaves room for
    # other machines while still catching a reader that keeps every page.
    assert measured["max_rss_mib"] < 300, measured
