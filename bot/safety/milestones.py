"""Recovery milestones: good news told in the words of risk.

One job: recognise, in normalised text (see :mod:`bot.safety.normalise`), a person
marking time since self-harm, an attempt or an eating-disorder behaviour ("a year
clean of self-harm today", "six months since my last cut", "ein Jahr ohne Ritzen")
so that no layer answers it with crisis lines.  A trial's set of such milestones
got crisis lines for almost a third of them: the rules and the model hear
"cut", "ritzen" and "tried to kill myself", not the "a year without" around them.

A milestone needs three things:

* a span of time (``6 months``, ``a year``, ``setahun``, ``1年``);
* a recovery marker tied to the harm, not a bare "without" ("three days without
  eating" is a warning sign, not a milestone): "without self-harm", "clean",
  "since my last cut", "que no me corto", "ohne Ritzen", "bez samookaleczeń";
* nothing that says the danger is back or near: "again", "relapsed", "the urge",
  "I want to", "tonight" (in each language).  "A year clean but I cut again last
  night" is not good news.

Patterns are written in natural spelling and squeezed like the text they read.
"""

from __future__ import annotations

from bot.safety.normalise import compile_squeezed

__all__ = ["is_milestone"]


_SPAN = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|few"
    r"|several|many|a couple of|couple of|hundred|a hundred|full|whole)"
    r" (?:full |whole |entire )?(?:days?|weeks?|months?|years?|yrs?)"
)
_HARM_EN = (
    r"(?:self ?harm\w*|sh|cutting|cuts?|burning|hurting myself|harming myself|purging|bingeing"
    r"|binging|throwing up|making myself (?:sick|throw up)|relapse|relapsing|an attempt"
    r"|attempts?|overdosing|an overdose|restricting|starving myself)"
)
_DID_HARM_EN = (
    r"(?:cut|self harmed|harmed myself|hurt myself|purged|thrown up|made myself sick|relapsed"
    r"|binged|tried|attempted|overdosed|od d)"
)
_ENGLISH = (
    rf"{_SPAN} (?:\w+ ){{0,2}}?(?:clean|free|sober|sh free|harm free|cut free)\b"
    rf"|\b(?:clean|free|sober) (?:from|of) {_HARM_EN}"
    rf"|{_SPAN} (?:\w+ ){{0,2}}?without {_HARM_EN}"
    rf"|without {_HARM_EN} (?:for|in) {_SPAN}"
    rf"|{_SPAN} since (?:my last|i last|i stopped|i quit) (?:\w+ ){{0,1}}?"
    rf"(?:{_HARM_EN}|{_DID_HARM_EN})"
    rf"|(?:havent|have not|hasnt|didnt|did not) {_DID_HARM_EN} (?:\w+ ){{0,3}}?(?:in|for)"
    rf" (?:over |almost |nearly )?{_SPAN}"
    rf"|{_HARM_EN} free (?:for )?{_SPAN}"
)
_OTHERS = (
    # Spanish
    r"|(?:\d+|un|una|dos|tres|seis|varios|varias|muchos|muchas) (?:dias|semanas|meses|ano|anos)"
    r" (?:\w+ ){0,2}?(?:sin (?:cortarme|autolesion\w*|lastimarme|hacerme dano|vomitar|purgarme"
    r"|recaer|recaidas)|limpi[oa]s?|libre)"
    r"|(?:hace|llevo) (?:\w+ ){0,2}?(?:dias|semanas|meses|ano|anos) (?:\w+ ){0,2}?(?:que )?"
    r"(?:no|sin) (?:me )?(?:corto|corte|lastimo|autolesiono|hago dano|vomito|cortarme|lastimarme)"
    # Portuguese
    r"|(?:\d+|um|uma|dois|duas|tres|seis|varios|varias) (?:dias|semanas|meses|ano|anos)"
    r" (?:\w+ ){0,2}?(?:sem (?:me cortar|me machucar|autolesao|automutilacao|vomitar|recaida"
    r"|recair)|limp[oa]s?|livre)"
    r"|(?:faz|ha) (?:\w+ ){0,2}?(?:dias|semanas|meses|ano|anos) (?:\w+ ){0,2}?(?:que )?(?:nao|sem)"
    r" (?:me )?(?:corto|cortei|machuco|machuquei|vomito|me cortar|me machucar)"
    # German
    r"|(?:\d+|ein|eine|einem|einer|zwei|drei|sechs|mehrere|viele) (?:tag|tage|tagen|woche|wochen"
    r"|monat|monate|monaten|jahr|jahre|jahren) (?:\w+ ){0,2}?(?:ohne (?:ritzen|sv|svv"
    r"|selbstverletzung\w*|mich zu (?:ritzen|verletzen|schneiden)|erbrechen|kotzen|ruckfall)"
    r"|clean|ritzfrei|symptomfrei)"
    r"|seit (?:\w+ ){0,2}?(?:tagen|wochen|monaten|jahren|einem jahr|einem monat) (?:\w+ ){0,3}?"
    r"(?:nicht mehr|kein) (?:\w+ ){0,2}?(?:geritzt|verletzt|ritzen|erbrochen|svv|sv)"
    # French
    r"|(?:\d+|un|une|deux|trois|six|plusieurs) (?:jour|jours|semaine|semaines|mois|an|ans|annee"
    r"|annees) (?:\w+ ){0,2}?(?:sans (?:me scarifier|me couper|scarification|automutilation"
    r"|me faire du mal|vomir|rechute|rechuter)|clean)"
    # Italian
    r"|(?:\d+|un|uno|una|due|tre|sei) (?:giorni|settimane|mesi|anno|anni) (?:\w+ ){0,2}?"
    r"(?:senza (?:tagliarmi|autolesion\w*|farmi del male|vomitare|ricadute|ricadere)"
    r"|pulit[oa]|liber[oa])"
    # Dutch
    r"|(?:\d+|een|twee|drie|zes) (?:dagen|weken|maanden|jaar|jaren) (?:\w+ ){0,2}?"
    r"(?:zonder (?:snijden|zelfbeschadiging|mezelf pijn te doen|overgeven|terugval)|clean)"
    # Polish
    r"|(?:\d+|rok|roku|dwa|trzy|pol) (?:\w+ ){0,2}?bez (?:samookaleczen\w*|ciecia|ciecia sie"
    r"|wymiotowania|nawrotu)"
    r"|od (?:roku|miesiaca|\d+ \w+) (?:\w+ ){0,2}?nie (?:tne|okaleczam|wymiotuje)"
    # Russian
    r"|(?:\d+|год|года|лет|месяц|месяца|месяцев|полгода|неделю|недели|дней) (?:\w+ ){0,2}?"
    r"без (?:селфхарма|селфхарм|порезов|самоповреждений|срывов|рвоты)"
    r"|(?:год|месяц|полгода|\d+ \w+) (?:уже )?не (?:режусь|режу себя|вызываю рвоту)"
    # Turkish
    r"|(?:yildir|aydir|gundur|haftadir|senedir) (?:\w+ ){0,2}?(?:kendime zarar (?:vermiyorum"
    r"|vermedim)|kendimi (?:kesmiyorum|kesmedim)|kusmuyorum|kusmadim)"
    # Indonesian
    r"|(?:setahun|sebulan|seminggu|(?:\d+|satu|dua|tiga|enam) (?:hari|minggu|bulan|tahun))"
    r" (?:\w+ ){0,3}?(?:tanpa (?:melukai|nyakitin|self ?harm|sh)|bersih|(?:tidak|gak|ga|nggak|ngga)"
    r" (?:\w+ ){0,1}?(?:melukai|nyakitin|self ?harm|sh|cutting))"
    # "bebas dari self harm": free of it (a trial's "setahun bebas dari self harm" was asked)
    r"|bebas (?:dari )?(?:self ?harm|sh|cutting|melukai diri|nyakitin diri|menyakiti diri)"
    # Hindi, romanised and Devanagari
    r"|(?:\d+|ek|do|tin|teen|che) (?:din|hafte|mahine|mahina|sal|saal) se (?:\w+ ){0,2}?"
    r"(?:cut|cutting|katna|kata|kati|self ?harm|sh|chot|nuksan|vomit|ulti)\w* (?:\w+ ){0,2}?"
    r"(?:nahi|nhi|nahin)"
    r"|(?:साल|महीने|महीनों|दिन|हफ्ते|हफ़्ते) से (?:\S+ ){0,3}?(?:चोट|काट|नुकसान|उल्टी|सेल्फ)\S*"
    r" (?:\S+ ){0,3}?नहीं"
    # Arabic
    r"|(?:سنه|سنتين|شهر|شهور|اشهر|ايام|يوم|اسبوع)\S* (?:\S+ ){0,2}?(?:بدون|بلا|من غير)"
    r" (?:ايذاء|اذيه|اذى|جرح|تجريح|قطع|ترجيع|استفراغ)"
    r"|(?:توقفت|بطلت) عن (?:\S+ ){0,2}?(?:منذ|من) (?:\S+ )?(?:سنه|شهر|شهور|اشهر|ايام)"
    # Japanese (no spaces)
    r"|(?:やめて|辞めて|止めて|しなくなって|してなくて|せずに)(?:\d+|一|二|三|半)(?:年|ヶ月|か月|カ月|日|週間)"
    r"|(?:\d+|一|二|三|半)(?:年|ヶ月|か月|カ月|日|週間).{0,8}(?:してない|していない|してません|やめてる)"
)
_MILESTONE = compile_squeezed(rf"(?:{_ENGLISH}{_OTHERS})")

# The danger is back, or near: then it is not a milestone, whatever else is said.
_STILL_AT_RISK = compile_squeezed(
    r"\b(?:again|relapse|relapsed|relapsing|slipped|slip up|broke (?:my )?streak"
    r"|lost (?:my )?streak"
    r"|urges?|craving|cravings|tempted|want to|wanna|going to|gonna|planning|tonight|right now"
    r"|last night|this morning|cant stop|can t stop|dont want to live|thinking (?:about|of)|die"
    r"|dying"
    r"|end it|ending it|no point|pointless|better off|goodbye|give up|giving up|cant go on"
    r"|can t go on|suicidal|hopeless|morir|sterben|mourir|morire|umrzec|mati|marna"
    # A streak broken: "300 days clean and I just ruined it", "volví a cortarme".
    r"|ruined|fresh|broke|lost it|messed up|did it|back to|started over|reset|yesterday"
    r"|hate myself|volvi|recai\w*|tire|anoche|ayer|voltei|ontem|replonge\w*|hier"
    r"|recommence\w*|ricascat\w*|ricominciat\w*|ieri|kaputt|ruckfall\w*|gestern"
    r"|kambuh|kemarin|kemaren|silet"
    r"|istemiyorum|yasamak"
    r"|otra vez|de nuevo|reca[iy]\w*|ganas|quiero|esta noche"
    r"|de novo|outra vez|vontade|quero|hoje a noite"
    r"|wieder|ruckfall|druck|will|heute nacht"
    r"|encore|rechute|envie|veux|ce soir"
    r"|di nuovo|ricadut\w*|voglia|voglio|stasera"
    r"|weer|terugval|wil|vannacht|vanavond"
    r"|znowu|nawrot|chce|dzis w nocy"
    r"|yine|tekrar|istiyorum|bu gece"
    r"|kambuh|pengen|ingin|malam ini"
    r"|phir se|dobara|chahta|chahti|aaj rat)\b"
    r"|снова|опять|срыв|хочу|умереть|сегодня ночью|फिर से|दोबारा|चाहता|चाहती|आज रात|मरना"
    r"|مره اخرى|مجددا|انتكاس|اريد|الليله|اموت|تاني|ثاني|رجعت|امبارح|امس|مسكت"
    r"|また|再発|したい|今夜|死に|昨日"
    # Indonesian "lagi" is "again" after a verb, "no longer" after a negation.
    r"|(?<!ga )(?<!gak )(?<!tidak )(?<!nggak )(?<!ngga )(?<!enggak )\blagi\b"
)


# Harm told as the past with pride in having stopped ("I'm proud of myself. I used to cut
# almost every day in uni": a fourth trial was asked "are you safe?", then given the crisis
# lines).  Both halves are needed: "I used to cut" alone still asks.  English only.
_USED_TO_HARM = compile_squeezed(
    r"\b(?:used to|use to) (?:\w+ ){0,2}?(?:cut|cutting|self harm|selfharm|harm myself|hurt"
    r" myself|burn myself|purge|make myself (?:sick|throw up)|starve myself)\b"
)
_PROUD_TO_HAVE_STOPPED = compile_squeezed(
    r"\b(?:proud|stopped|quit|dont anymore|not anymore|no longer|havent since|recovered"
    r"|healed)\b"
)


def is_milestone(normalised: str) -> bool:
    """Whether normalised text marks time since harm, or tells harm as a past it is
    proud to have left, and says nothing of it coming back."""
    good_news = _MILESTONE.search(normalised) is not None or (
        _USED_TO_HARM.search(normalised) is not None
        and _PROUD_TO_HAVE_STOPPED.search(normalised) is not None)
    return good_news and _STILL_AT_RISK.search(normalised) is None
