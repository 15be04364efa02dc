"""Legal citations from one formatter over the rule files' structured citations: the contract's
English text in results and the API, the reader's language on pages and in the PDF."""

from __future__ import annotations

import re

from ai_register.rules.citations import Act, contract_text, format_citation, localise
from ai_register.rules.loader import DEFAULT_RULES_DIR, load_ruleset

ACTS = {"ai_act": Act("Regulation (EU) 2024/1689"),
        "omnibus": Act("Regulation (EU) 2024/1689", "Regulation (EU) 2026/1744"),
        "mdr": Act("Regulation (EU) 2017/745"), "mdcg": Act("MDCG 2019-11 rev.1")}


def test_swedish_citations_follow_swedish_legal_style():
    cases = {
        ("ai_act", (("article", "6(1)"), ("annex", "I"), ("section", "A"), ("point", "11"))):
            "förordning (EU) 2024/1689, art. 6.1, bilaga I avsnitt A punkt 11",
        ("omnibus", (("article", "5(1)(ba)"),)):
            "förordning (EU) 2024/1689, art. 5.1 ba, ändrad genom förordning (EU) 2026/1744",
        ("mdr", (("annex", "VIII"), ("rule", "11(a)"))): "förordning (EU) 2017/745, bilaga VIII regel 11 a",
        ("ai_act", (("annex", "III"), ("point", "5(d)"))): "förordning (EU) 2024/1689, bilaga III punkt 5 d",
        ("ai_act", (("article", "51(1) and 55(1)"),)): "förordning (EU) 2024/1689, art. 51.1 och 55.1",
        ("mdcg", (("section", "section 3.1, step 3"),)): "MDCG 2019-11 rev.1, avsnitt 3.1, steg 3",
    }
    for (act, locators), swedish in cases.items():
        ref = {"act": act, **dict(locators)}
        assert format_citation(ref, ACTS, "sv") == swedish
        assert format_citation(ref, ACTS, "en") == contract_text(ref, ACTS)


def test_a_running_text_locator_of_an_older_rule_file_is_tolerated():
    ref = {"act": "ai_act", "article": "6(1); Annex I, Section A, point 11"}
    assert contract_text(ref, ACTS) == "Regulation (EU) 2024/1689, Art 6(1); Annex I, Section A, point 11"
    assert format_citation(ref, ACTS, "sv") == "förordning (EU) 2024/1689, art. 6.1; bilaga I, avsnitt A, punkt 11"


def test_the_rule_set_keeps_every_citation_structured_and_the_contract_text_unchanged():
    ruleset = load_ruleset(DEFAULT_RULES_DIR)
    texts = {rule.citation for rule in ruleset.all_rules()} | {o.citation for o in ruleset.obligations}
    assert texts <= set(ruleset.citations)
    for text, ref in ruleset.citations.items():
        assert contract_text(ref, ruleset.acts) == text
        swedish = localise(text, ruleset.citations, ruleset.acts, "sv")
        assert not re.search(r"\b(Art|Annex\w*|Section|point|Rule|and|as amended by)\b", swedish), swedish
    # A text the rule set does not know (an older rule set's result) is shown as stored.
    assert localise("Regulation (EU) 2024/1689, Art 99", ruleset.citations, ruleset.acts, "sv") == (
        "Regulation (EU) 2024/1689, Art 99")
