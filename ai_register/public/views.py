"""`/public`: the transparency register as a web page, in Swedish and English, open to everyone.

The page's own words are kept here in both languages (as the lifecycle keeps phase labels), so the
page is bilingual whatever the translation catalogue holds; `?lang=sv|en` chooses, else the
visitor's language setting.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import force_locale, get_locale

from ai_register.public import queries
from ai_register.security import PUBLIC, access

bp = Blueprint("public", __name__, template_folder="templates")

PER_PAGE = 100

WORDS = {
    "title": ("Offentlig förteckning över AI-lösningar", "Public register of AI solutions"),
    "lead": ("Regionen redovisar här de AI-lösningar som används eller prövas i vården: vad de är till för, "
             "var de används, hur långt de har kommit och hur de klassas enligt EU:s AI-förordning. Varje "
             "lösning har en namngiven funktion som ansvarar för mänsklig tillsyn.",
             "The region lists here the AI solutions used or tried in its care: what they are for, where "
             "they are used, how far they have come and how they are classified under the EU AI Act. Each "
             "solution has a named function accountable for human oversight."),
    "name": ("Lösning", "Solution"),
    "purpose": ("Syfte", "Purpose"),
    "units": ("Vårdenheter", "Care units"),
    "phase": ("Fas", "Phase"),
    "category": ("AI-förordningen", "AI Act category"),
    "oversight": ("Tillsyn", "Oversight"),
    "oversight_role": ("Tillsynsansvarig funktion", "Oversight role"),
    "empty": ("Inga lösningar är publicerade ännu.", "No solutions are published yet."),
    "count": ("lösningar", "solutions"),
    "open_data": ("Öppna data", "Open data"),
    "other_language": ("In English", "På svenska"),
    "paused": ("pausad", "paused"),
    "not_named": ("—", "—"),
    "previous": ("Föregående", "Previous"),
    "next": ("Nästa", "Next"),
}


def _language() -> str:
    wanted = request.args.get("lang")
    if wanted in ("sv", "en"):
        return wanted
    return "en" if str(get_locale()) == "en" else "sv"


@bp.get("/public")
@access(PUBLIC)
def register():
    lang = _language()
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    total = queries.count_public()
    entries = list(queries.public_solutions(page=page, per_page=PER_PAGE))
    words = {key: (sv if lang == "sv" else en) for key, (sv, en) in WORDS.items()}
    with force_locale(lang):
        return render_template("public/register.html", entries=entries, total=total, lang=lang, words=words,
                               other="en" if lang == "sv" else "sv", page=page,
                               has_next=page * PER_PAGE < total, show_names=queries.show_names())
