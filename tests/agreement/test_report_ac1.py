"""AC1 beside alpha, the kappa-paradox warning, specific agreement in the confusion matrices and
the choice of bootstrap, through summarize / the HTML, text and CSV renderings."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.agreement import bootstrap_alpha, gwet_ac1, specific_agreement
from annotator.agreement.formats import SUMMARY_HEADER, render_text, summary_rows
from annotator.agreement.patterns import Patterns
from annotator.agreement.reliability import WARN_PARADOX, summarize
from annotator.agreement.report import render_html
from annotator.codebook import Codebook
from tests.agreement.test_bootstrap_pairs import DATA
from tests.agreement.test_reliability import ann

# The codebook's actor types in order: AC1's q counts all of them, chosen or not.
TYPES = tuple(v.id for v in Codebook.default().layer("actor").field("actor_type").values)


def skewed_summary(bootstrap: str = "units"):
    """40 actor spans per coder, 36 of them civilians for both; the 4 others all disagree."""
    kinds_a = ["civilians"] * 36 + ["state_forces", "rebel_group", "civilians", "civilians"]
    kinds_b = ["civilians"] * 36 + ["civilians", "civilians", "state_forces", "rebel_group"]
    anns = [ann(c, 10 * i, 10 * i + 5, kind) for i, (ka, kb) in enumerate(zip(kinds_a, kinds_b))
            for c, kind in (("a", ka), ("b", kb))]
    return summarize(anns, {}, Codebook.default(), lengths={"x": 500}, layers=["actor"], n_boot=200,
                     bootstrap=bootstrap)


def test_ac1_beside_alpha_and_the_paradox_warning():
    s = skewed_summary()
    actor_type = {a.field: a for a in s.layers[0].attributes}["actor_type"]
    assert actor_type.overall.value < 0  # 90% agreement, alpha below chance
    codes = {t: float(i) for i, t in enumerate(TYPES)}
    a = [codes[k] for k in ["civilians"] * 36 + ["state_forces", "rebel_group", "civilians", "civilians"]]
    b = [codes[k] for k in ["civilians"] * 36 + ["civilians", "civilians", "state_forces", "rebel_group"]]
    expected = gwet_ac1([a, b], categories=[float(i) for i in range(len(TYPES))])
    assert actor_type.ac1.value == pytest.approx(expected.value, abs=1e-12) and actor_type.ac1.value > 0.8
    assert actor_type.pairs[0].ac1.value == pytest.approx(expected.value, abs=1e-12)
    assert any(w.scope == "actor.actor_type" and WARN_PARADOX in w.message for w in s.warnings)
    # Not nominal: no AC1.
    assert {a.field: a for a in s.layers[0].attributes}["name"].ac1 is not None  # text is nominal


def test_confusion_matrix_has_specific_agreement():
    s = skewed_summary()
    confusion = {a.field: a for a in s.layers[0].attributes}["actor_type"].pairs[0].confusion
    specific = dict(zip(confusion.labels, confusion.specific))
    assert specific["civilians"] == pytest.approx(2 * 36 / (38 + 38))
    assert specific["state_forces"] == 0.0


def test_renderings_show_ac1_specific_agreement_and_bootstrap():
    s = skewed_summary("pairs")
    assert s.bootstrap == "pairs"
    page = render_html(s, {"x": "x" * 500}, charts=False)
    assert "<th>AC1</th>" in page and "Specific agreement" in page and "kappa paradox" in page
    assert "pairs of values from the coincidence matrix" in page
    text = render_text(s)
    assert "AC1" in text
    rows = summary_rows(s)
    column = SUMMARY_HEADER.index("gwet_ac1")
    actor_type = next(r for r in rows if r[2] == "actor.actor_type" and r[3] == "all")
    assert float(actor_type[column]) > 0.8
    with pytest.raises(ValueError, match="bootstrap must be one of"):
        skewed_summary("jackknife")


def test_pattern_pair_bootstrap_equals_bootstrap_alpha():
    """The report's pattern-count bootstrap draws the same pairs as bootstrap_alpha."""
    for level in ("nominal", "ordinal", "interval", "ratio"):
        ours = Patterns.of(DATA + 1, level).bootstrap(n_boot=500, seed=9, method="pairs")
        theirs = bootstrap_alpha(DATA + 1, level, n_boot=500, seed=9, method="pairs")
        np.testing.assert_allclose(ours.samples, theirs.samples, rtol=1e-12)
        assert ours.draws == theirs.draws == 239


def test_specific_agreement_of_the_confusion_matches_the_function():
    s = skewed_summary()
    confusion = {a.field: a for a in s.layers[0].attributes}["actor_type"].pairs[0].confusion
    codes = {t: float(i) for i, t in enumerate(TYPES)}
    a = [codes[k] for k in ["civilians"] * 36 + ["state_forces", "rebel_group", "civilians", "civilians"]]
    b = [codes[k] for k in ["civilians"] * 36 + ["civilians", "civilians", "state_forces", "rebel_group"]]
    direct = specific_agreement([a, b]).as_dict()
    assert dict(zip(confusion.labels, confusion.specific))["civilians"] == pytest.approx(direct[codes["civilians"]])
