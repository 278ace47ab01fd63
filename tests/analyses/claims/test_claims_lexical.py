"""The ``lexical`` (near-verbatim) rule on hand-made claims: too-short claims, stray 5-grams, truncated
claims and stock phrases (the trial's false positive, tests/claims/test_claims_lexical_real.py).

Shingles are character 5-grams of the lower-cased text with non-word characters squeezed to one space
(``matching.shingles``). ``LexicalRule({}, 0)`` gives every shingle the weight 1 + ln(1/1) = 1, so its
coverage is a plain count: distinct claim shingles inside verbatim runs of >= 4 consecutive claim
shingles found in the post, over the claim's distinct shingles.
"""

from __future__ import annotations

import math

from ioscope.analyses.claims.matching import (LEXICAL_RUN, LexicalRule, MatchParams, clean, lexical_text,
                                              shingles)

FLAT = LexicalRule({}, 0)


def cov(rule: LexicalRule, claim: str, post: str, min_shingles: int = 30) -> float:
    return rule.coverage(rule.profile(claim), shingles(clean(post)), min_shingles)


def test_defaults():
    p = MatchParams()
    assert (p.lexical_min, p.lexical_min_shingles, p.lexical_min_truncated, LEXICAL_RUN) == (0.85, 30, 0.9, 4)


def test_short_claim_has_too_little_evidence():
    # "garlic cures covid": 18 characters, 14 shingles, all in the verbatim post: 14/14 = 1.0, but 14 < 30
    assert cov(FLAT, "Garlic cures covid", "Garlic cures covid!!", min_shingles=0) == 1.0
    assert cov(FLAT, "Garlic cures covid", "Garlic cures covid!!") == 0.0


def test_verbatim_kept_and_stray_fragments_not_counted():
    claim = "Bill Gates plans to put chips in every new shot and track us all"
    # 64 characters, 60 distinct shingles; a verbatim repeat covers them all
    assert cov(FLAT, claim, claim + " #truth") == 1.0
    # the same words shuffled: 23 of the 60 shingles occur in the post (plain containment 0.38), but the
    # only shared fragment of 8+ characters is " plans to " (6 shingles: " plan" … "s to "); " every ",
    # " chips ", " shot " give runs of at most 3 -> 6/60 = 0.1
    shuffled = "All of us: track every shot, new chips! Put in plans to gates, Bill and"
    prof = FLAT.profile(claim)
    assert len(set(prof.seq) & shingles(clean(shuffled))) == 23
    assert cov(FLAT, claim, shuffled) == 0.1


def test_truncated_claim_needs_more():
    claim = "The EU is a stupid and evil parody of the Soviet Union"
    post = "the EU is a stupid and evil parody of the Soviet"
    # 54 characters, 50 shingles; the post holds the first 48 characters (44 shingles) and misses the 6
    # that reach into " union": 44/50 = 0.88 -> kept at lexical_min 0.85 ...
    assert cov(FLAT, claim, post) == 0.88
    assert lexical_text(claim) == (claim, False)
    # ... but the same text cut by its source ("…") needs lexical_min_truncated 0.9: not kept
    cut = claim + "…"
    assert lexical_text(cut) == (claim, True) and FLAT.profile(cut).truncated
    assert cov(FLAT, cut, post) == 0.88 < MatchParams().lexical_min_truncated
    assert lexical_text("In 2014, Moldova was forced to sign the free trade...") == (
        "In 2014, Moldova was forced to sign the free trade", True)
    # a claim cut mid-word still matches a post that repeats the whole claim: every shingle of
    # "the eu is a stupid and evil parody of the sovi" (46 characters, 42) is inside the full text
    assert cov(FLAT, "The EU is a stupid and evil parody of the Sovi…", claim + "!") == 1.0


def test_stock_phrase_shingles_count_little():
    stock = "For the first time in the history of"
    target = stock + " NATO’s strategic concept"
    others = [f"{stock} {tail}" for tail in ("the war ended", "a pope visited", "the games were held",
                                             "the club won", "a woman led it", "the fleet sailed",
                                             "the league paid", "the city voted", "a robot spoke")]
    rule = LexicalRule.from_corpus([target, *others], [])
    prof = rule.profile(target)
    # "for the first time in the history of nato s strategic concept": 61 characters, 57 positions,
    # 56 distinct shingles (" the " twice). The 32 distinct shingles of "for the first time in the
    # history of " are in all 10 claims: weight 1 + ln(11/11) = 1; the other 24 only in the target:
    # 1 + ln(11/2) = 2.7047. Total 32 + 24 * 2.7047 = 96.91
    assert len(prof.weights) == 56
    assert sorted({round(w, 4) for w in prof.weights.values()}) == [1.0, round(1 + math.log(11 / 2), 4)]
    assert round(sum(prof.weights.values()), 2) == 96.91
    ice = "The icebreaker reached the North Pole for the first time in the history of navigation."
    # the post repeats "for the first time in the history of na": the 32 stock shingles plus " of n" and
    # "of na" (34 of 56: plain containment 0.607, over the old 0.6); weighted (32 + 2 * 2.7047) / 96.91
    # = 0.386
    assert round(len(set(prof.seq) & shingles(clean(ice))) / 56, 3) == 0.607
    assert round(cov(rule, target, ice), 3) == 0.386
    # while a verbatim repeat of the claim still scores 1.0
    assert cov(rule, target, "Breaking: " + target) == 1.0
