"""The kept page pieces: bounded, and keyed by everything a piece shows."""

from datetime import date

from partnertrack.core.fragments import Fragments, content_key
from partnertrack.ratings.reveal import RatingView, SessionView


def session(score: int, comment: str = "") -> SessionView:
    """Session 3 rated by the patient with ``score`` everywhere."""
    own = RatingView("patient", {"bond": score, "goals": score}, comment, float(score))
    return SessionView(3, date(2026, 3, 7), frozenset({"patient"}), False, own, None, 11)


def test_the_oldest_piece_goes_when_the_cache_is_full():
    kept = Fragments(size=2)
    kept.put(("a",), "<p>a</p>")
    kept.put(("b",), "<p>b</p>")
    assert kept.get(("a",)) == "<p>a</p>"  # used: now the newest
    kept.put(("c",), "<p>c</p>")
    assert kept.get(("b",)) is None and kept.get(("a",)) == "<p>a</p>" and kept.get(("c",)) == "<p>c</p>"


def test_a_session_with_other_scores_or_comment_has_another_key():
    assert content_key(session(5)) == content_key(session(5))
    assert content_key(session(5)) != content_key(session(6))
    assert content_key(session(5)) != content_key(session(5, "We rushed."))


def test_a_session_views_content_names_its_scores_and_comment():
    assert session(5).content() == session(5).content()
    assert session(5).content() != session(6).content()
    assert session(5).content() != session(5, "We rushed.").content()
    hash(session(5).content())
