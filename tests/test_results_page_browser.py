"""The results page in a real headless browser (Chromium): every image loads, every link in the
contents reaches its section, and a phone-sized window needs no sideways scrolling.

Skipped, with the reason, where no Chromium is installed; `.ci/run` installs it, so in CI it runs.
"""

import shutil
import subprocess

import nbformat
import pytest

from ptutils import course

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                 if p), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium on this machine (Debian: apt-get install chromium)")

# Runs in the page after it loads and writes what it found into the DOM that Chromium dumps.
PROBE = """<script>window.addEventListener('load', () => {
  const imgs = [...document.images];
  const broken = imgs.filter(i => !i.complete || i.naturalWidth === 0).length;
  const links = [...document.querySelectorAll("a[href^='#']")].map(a => a.getAttribute('href'));
  const missing = links.filter(h => !document.getElementById(decodeURIComponent(h.slice(1))));
  const wide = document.documentElement.scrollWidth > window.innerWidth + 1;
  document.body.insertAdjacentHTML('beforeend', `<pre id='probe'>images=${imgs.length} ` +
    `broken=${broken} links=${links.length} missing=${missing.join(',') || 'none'} ` +
    `wide=${wide}</pre>`);
});</script>"""


def _page(tmp_path):
    """A results page built by the course command from a notebook with a figure and claims."""
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 01 · A lesson with a figure"),
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2], [2, 1])\n"
                                  "plt.show()"),
        nbformat.v4.new_code_cell(
            "import ptutils\nclaims = ptutils.Claims()\n"
            "claims.check('a claim with a long measured value ' * 3, True, 'x' * 120)\n"
            "claims.check('one that fails', False, '0.4 < 0.5')\nclaims.summary()")])
    nb.cells[1].metadata["tags"] = ["headline"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, nbs / "01_figure.ipynb")
    out = tmp_path / "build"
    course.main(["--notebooks", str(nbs), "--out", str(out), "--tokens-per-s", "25000"])
    return out / "results.html"


def _probe(page, width, height):
    """What PROBE reports for `page` in a headless Chromium window of the given size."""
    probed = page.with_name("probed.html")
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                      encoding="utf-8")
    result = subprocess.run(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         f"--window-size={width},{height}", "--virtual-time-budget=5000", "--dump-dom",
         probed.as_uri()], capture_output=True, text=True, timeout=120)
    start = result.stdout.find("<pre id=\"probe\">")
    assert start >= 0, f"Chromium gave no probe result: {result.stderr[-500:]}"
    text = result.stdout[start:].split(">", 1)[1].split("<", 1)[0]
    return dict(item.split("=", 1) for item in text.split())


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_results_page_in_a_real_browser(tmp_path, width, height):
    found = _probe(_page(tmp_path), width, height)
    assert int(found["images"]) >= 1 and found["broken"] == "0"
    assert int(found["links"]) >= 2 and found["missing"] == "none"
    assert found["wide"] == "false", "the page scrolls sideways at this width"
