"""The router's cue table: which words speak for which exercise, and how strongly.

Data only, read by :class:`bot.route_scorer.Scorer` (the phrase syntax is
described there: ``stem*``, ``#`` for a number 0-10, ``~`` for a short gap).
Weights are on a rough scale: 4-5 names the exercise's reason outright ("can't
sleep", "burnt out"), 3 is a clear sign, 2 a hint, 1 barely more than a
tie-breaker; a negative weight takes back a hint that misleads in a known
phrase ("tired of" is not exhaustion).

How the totals are turned into a route (a minimum, and a margin below which the
bot asks) is in :mod:`bot.router`.  Measure any change with
``compassion-bot router eval``.
"""

from __future__ import annotations

from collections.abc import Mapping

CUES: Mapping[str, Mapping[str, float]] = {
    # Overwhelmed, suffering, hard on oneself right now.
    "sc_break": {
        "overwhelm*": 4, "too much": 3, "cant cope": 4, "not coping": 4, "cant handle": 3,
        "hard on myself": 4, "harsh with myself": 4, "harsh on myself": 4,
        "beat* myself up": 4, "critical of myself": 4, "self critical": 3, "mean to myself": 4,
        "struggl*": 3, "suffer*": 4, "hurting": 3, "pain": 3, "falling apart": 4,
        "drowning": 4, "stress*": 3, "want to cry": 3, "cry*": 2, "tears": 2, "awful": 2,
        "so much going on": 3, "hard time": 3, "cant think straight": 2, "rough day": 2,
        "bad day": 2, "everything is hard": 3, "so hard": 2,
        "a lot": 2, "holding it together": 4, "tell* myself off": 4, "kick* myself": 4,
        "blam* myself": 4, "judg* myself": 4, "berat*": 4, "down on myself": 4,
        "too hard on": 4, "cant take": 3, "cant keep up": 3, "swamped": 4, "snowed under": 4,
        "breaking point": 4, "at my limit": 4, "heartbroken": 3, "griev*": 3, "upset": 2,
        "sad": 2, "miserable": 3, "difficult": 2, "painful": 3, "overloaded": 4, "sobbing": 3,
        "everything at once": 3,
        "sinking": 4, "pil* up": 4, "unkind to myself": 5, "cruel to myself": 5,
        "horrible to myself": 5, "going under": 4, "crumbling": 4, "falling to pieces": 4,
        "on top of me": 3, "heavy": 2, "hurts": 3, "hurt": 2, "rough": 2, "tough": 2,
        "tough time": 3, "bad place": 3, "numb": 2,
    },
    # Sleep, racing thoughts, anxiety and tension in the body.
    "breathing": {
        "cant sleep": 5, "cannot sleep": 5, "couldnt sleep": 4, "insomnia": 5,
        "awake": 3, "middle of the night": 3, "2am": 2, "3am": 2, "4am": 2,
        "racing": 4, "mind wont": 3, "brain wont": 3, "switch off": 3, "shut off": 3,
        "cant calm down": 4, "calm down": 3, "panic*": 4, "anxious": 4, "anxiety": 4,
        "nervous": 4, "worr*": 3, "tense": 4, "tension": 3, "on edge": 4, "jittery": 4,
        "shaking": 3, "heart pounding": 4, "pounding": 3, "chest is tight": 4,
        "tight chest": 4, "cant settle": 4, "restless": 3, "cant breathe": 4, "breath*": 2,
        "overthink*": 3, "spiral*": 3, "round in circles": 3, "replaying": 3, "calmer": 2,
        "spinning": 3, "head is spinning": 4, "butterflies": 4, "stomach": 2, "knot*": 2,
        "dread*": 3, "scared": 3, "afraid": 3, "terrified": 3, "freak* out": 4, "wound up": 4,
        "wired": 3, "keyed up": 4, "cant relax": 4, "cant unwind": 4, "in bed": 2,
        "sleepless": 4, "toss* and turn*": 5, "hyperventilat*": 4, "palpitations": 4,
        "shaky": 3, "jumpy": 3, "uneasy": 3, "cant stop thinking": 3,
        "nerves": 4, "nervy": 3, "sick with": 2, "brain keeps": 3, "mind keeps": 3,
        "havent slept": 5, "not slept": 5, "not sleeping": 5, "no sleep": 4,
        "cant get to sleep": 5, "cant fall asleep": 5, "trouble sleeping": 5, "sleep*": 2,
        "tight": 2, "edgy": 3, "fidgety": 3, "worked up": 4, "uptight": 3, "clench*": 3,
        "jaw": 2, "shoulders": 2, "muscles": 2,
    },
    # Wanting to feel safe, held, warmly cared for.
    "imagery": {
        "safe": 4, "safer": 4, "comfort*": 4, "sooth*": 4, "hug": 4, "hugs": 4, "hugged": 4,
        "hugging": 4, "cuddl*": 4, "hold me": 4,
        "held": 2, "warmth": 4, "cared for": 4, "looked after": 4, "lonely": 4,
        "alone": 3, "on my side": 4, "kind presence": 4, "imagin*": 3, "reassur*": 3,
        "protected": 3, "someone kind": 3, "need someone": 2,
        "less alone": 4, "someone to hold": 3, "warm": 2, "cosy": 2, "cozy": 2, "feel held": 3,
        "feel loved": 3, "safe place": 4, "someone who cares": 3,
        "got my back": 4, "got me": 2, "someone there": 3, "someone with me": 3, "company": 2,
        "hold": 2, "embrace": 3, "tenderness": 3, "kind face": 3, "friendly face": 3,
        "being cared": 3, "miss being": 3, "look after me": 4, "take care of me": 4,
        "safety": 3, "peace": 2, "calm place": 3,
    },
    # Writing to oneself; a critic that has spoken for a long time.
    "letter": {
        "letter": 5, "write": 4, "writing": 4, "journal": 3, "note to myself": 4,
        "inner critic": 5, "worst critic": 5, "critic": 4, "critical voice": 4,
        "voice in my head": 4, "voice": 2, "younger self": 4, "my whole life": 3,
        "for years": 3, "since i was": 3, "since school": 3, "since childhood": 3,
        "putting me down": 3, "put into words": 3,
        "inner voice": 4, "tells me": 2, "forever": 2, "years": 2, "since forever": 3,
        "as long as i can remember": 4, "all my life": 3, "my entire life": 3,
        "childhood": 2, "growing up": 2, "dear me": 4, "dear self": 4, "kind words": 2,
    },
    # A specific act the person regrets: guilt about what was done.
    "mistake": {
        "mistake": 4, "messed up": 5, "mess up": 3, "screwed up": 5, "yelled": 5,
        "yell at": 4, "shouted": 5, "snapped at": 5, "lost my temper": 5, "blew up at": 5,
        "forgot": 3, "said something": 3, "hurtful": 3, "guilt*": 4, "regret*": 3,
        "lied": 5, "broke my promise": 5, "broke a promise": 5, "missed the deadline": 5,
        "let ~ down": 3, "cancel*": 3, "sent the wrong": 4, "treated": 2, "apologi*": 3,
        "my fault": 3, "should have": 2, "shouldnt have": 3,
        "rude": 4, "rude to": 4, "snapping at": 4, "mean to my": 4, "mean to him": 4,
        "mean to her": 4, "hurt my": 3, "hurt her": 3, "hurt him": 3, "hurt their": 3,
        "upset my": 3, "upset her": 3, "upset him": 3, "argument": 2, "fight with": 2,
        "forgot to": 4, "dropped the ball": 5, "blew it": 4, "my bad": 3, "cheated": 4,
        "wasnt there for": 4, "took it out on": 5, "overreact*": 4, "lost it": 3,
        "screamed at": 5, "swore at": 4, "was short with": 4, "harsh with": 2,
        "accident*": 3, "broke": 3, "damaged": 3, "ignored": 3, "ghosted": 4,
        "feel bad": 2, "feel bad about": 3, "i shouldnt": 3, "wish i hadnt": 4,
        "wish i had": 3, "wish i didnt": 4, "said the wrong": 4, "wrong thing": 3,
        "ruined": 3, "crashed": 3, "late for": 3, "was late": 3, "missed": 2, "flaked": 4,
        "bailed on": 4, "argued with": 3, "fell out with": 3, "gossip*": 3, "sorry": 2,
    },
    # Drained, exhausted, burnt out: a small act of care now.
    "reset": {
        "drained": 5, "exhaust*": 4, "burnt out": 5, "burned out": 5, "burnout": 5,
        "running on empty": 5, "no energy": 5, "zero energy": 5, "energy": 2,
        "knackered": 4, "worn out": 4, "wiped out": 4, "recharge": 4, "tired": 3,
        "tired of": -3, "nothing left": 4, "running out": 3, "battery": 4, "empty cup": 4,
        "depleted": 4, "fatigue*": 4, "shattered": 4, "giving everything": 3,
        "fumes": 4, "in the tank": 4, "im spent": 4, "totally spent": 4, "fried": 3,
        "frazzled": 3, "run down": 4, "sleepy": 2, "low energy": 3, "need a break": 3,
        "need rest": 3, "need to rest": 3, "weary": 4, "dead on my feet": 5,
        "no motivation": 4, "unmotivated": 3, "cant be bothered": 3, "lethargic": 4,
        "sluggish": 3, "empty": 2, "pour from": 3,
        "worn down": 4, "worn": 3, "cant face": 3, "no strength": 4, "zapped": 4,
        "wrecked": 3, "done in": 4, "bone tired": 4, "dragging": 3, "rest": 2,
        "cant get going": 3, "overwork*": 4, "long week": 3, "long day": 3, "busy week": 2,
    },
    # A moment of kindness to oneself or others, a small win.
    "compassion_log": {
        "kind to myself": 5, "gentle with myself": 5, "patient with myself": 5,
        "took a break": 4, "small win": 5, "win": 2, "proud": 4, "forgave myself": 5,
        "forgive* myself": 4, "said no": 4, "let myself": 4, "treated myself": 5,
        "treat myself": 3, "something nice": 4, "helped": 4, "stood up for myself": 5,
        "did it": 3, "finally": 2, "went for a walk": 3, "for a stranger": 3,
        "looked after myself": 5, "self care": 3, "managed to": 3, "celebrat*": 3,
        "help* out": 3, "checked on": 3, "reached out": 3, "called my": 3, "visited": 3,
        "made ~ coffee": 3, "made ~ tea": 3, "made ~ dinner": 3, "cooked": 2, "donated": 3,
        "volunteer*": 3, "listened to": 3, "good choice": 4, "instead of": 2,
        "early night": 3, "went to bed early": 4, "rested": 3, "took time": 3,
        "took some time": 3, "time for myself": 4, "me time": 4, "boundar*": 3,
        "asked for help": 4, "for myself": 2, "good to myself": 4, "nice to myself": 4,
        "easy on myself": 4, "accomplish*": 3, "achiev*": 2, "progress": 2, "felt good": 2,
        "brave": 3, "went outside": 2,
        "bath": 2, "thanked": 3, "thank* myself": 4, "kind thing": 4, "said something kind": 4,
        "complimented": 3, "made time": 3, "kept my promise": 4, "stuck up for": 4,
        "didnt give up": 4, "kept going": 3, "got out of bed": 3, "showered": 2,
        "tried my best": 3, "did my best": 4, "good job": 3, "well done": 3, "nice thing": 3,
        # A wish is not yet a moment to log ("I want to be kind to myself").
        "want to": -3, "wish": -3,
    },
    # A mood report.
    "checkin": {
        "checking in": 5, "check in": 5, "checkin": 5, "mood": 4, "feeling ok": 4,
        "feeling okay": 4, "feeling fine": 4, "feeling good": 3, "feel good": 3,
        "doing alright": 4, "doing ok": 4, "doing okay": 4, "alright": 2, "fine": 2,
        "meh": 4, "so so": 4, "not bad": 4, "pretty good": 3, "good day": 3,
        "calm today": 3, "#": 2, "out of 10": 2, "flat": 3, "quick update": 4,
        "say hi": 3, "saying hi": 3, "doing fine": 4, "doing good": 4, "doing well": 4,
        "im good": 3, "im ok": 3, "im okay": 3, "im fine": 3, "im alright": 3, "all good": 3,
        "good today": 3, "ok today": 3, "okay today": 3, "fine today": 3, "how im doing": 3,
        "update": 3, "grand": 2, "decent": 2, "steady": 2, "better today": 3, "quiet day": 2,
        "not great": 2, "checked in": 4,
        "nothing much to report": 4, "to report": 3, "nothing much": 2, "all fine": 3,
        "fine here": 3, "quick one": 3, "a #": 3, "same as usual": 3, "usual": 2,
        "so far so good": 4, "feeling better": 3, "feeling a bit": 2, "feeling low": 2,
    },
    # A story about the self: labels and absolutes.
    "belief": {
        "failure": 4, "worthless": 5, "useless": 5, "stupid": 4, "idiot": 4,
        "pathetic": 5, "loser": 5, "not good enough": 5, "good enough": 2,
        "nobody likes me": 5, "no one likes me": 5, "nobody cares": 5, "no one cares": 5,
        "nobody ever": 4, "nobody wants": 4, "everyone hates me": 5, "everyone thinks": 3,
        "annoying": 3, "unlovable": 5, "im a terrible": 4, "im a bad": 4, "terrible person": 4,
        "never amount": 5, "never do anything right": 5, "wrong with me": 5,
        "ruin everything": 5, "ruin*": 2, "fraud": 5, "imposter": 5, "impostor": 5,
        "disappointment": 5, "always": 3, "hate myself": 4, "too sensitive": 2, "ugly": 4,
        "dumb": 4, "waste of space": 5, "not enough": 3, "unwanted": 4, "burden": 3,
        "boring": 4, "not the kind of person": 4, "im not the type": 4, "forgettable": 4,
        "invisible": 3, "nobody remembers": 4, "nobody notices": 4, "no one notices": 4,
        "im too much": 4, "im weird": 3, "im so weird": 3, "im such a": 4, "im a mess": 3,
        "im broken": 4, "hopeless at": 4, "bad at everything": 5, "bad at": 2,
        "cant do anything right": 5, "not worth": 4, "unlikeable": 5, "fail at everything": 5,
        "think less of me": 4, "hates me": 4, "dont fit in": 4, "dont belong": 4, "weak": 3,
        "lazy": 4, "bad person": 5, "awful person": 5, "horrible person": 5, "terrible at": 3,
        "never enough": 5, "not ~ enough": 4, "laughing at me": 3, "judging me": 3,
        "put up with me": 4, "tolerate me": 4, "cant even": 3, "too stupid": 4,
        "i dont matter": 5, "doesnt like me": 4, "dont like me": 4, "hate me": 4,
        "nobody": 2, "no one": 2, "everyone else": 2, "im the problem": 5,
        "its always me": 4, "everything is my fault": 4, "rubbish": 3, "im rubbish": 4,
        "crap at": 3, "im crap": 4, "i suck": 4, "a mess": 2, "unworthy": 5,
        "undeserving": 4, "ashamed of myself": 4, "shame": 2, "embarrassment": 4,
        "a joke": 4,
    },
    # The person is unsure what would help, or asks what there is.
    "which_tool": {
        "dont know what i need": 6, "not sure what": 5, "dont know what": 4, "suggest": 4,
        "what exercises": 5, "exercise*": 2, "what can you": 5, "help me feel better": 4,
        "how does this work": 6, "what do you do": 5, "options": 3,
        "no idea": 3, "where to start": 4, "anything that can help": 4, "anything to help": 4,
        "anything that helps": 4, "what should i do": 4, "dont know where": 4,
        "dont know how i feel": 5, "can you help": 3, "what can i do": 3,
        "something to help": 4, "what would help": 4, "not sure": 3, "unsure": 3,
        "dunno": 3, "what now": 3,
        "going on with me": 5, "can we do something": 4, "do something": 2,
        "dont really know": 3, "dont know": 2, "something different": 2,
    },
}

NEGATED_TO: Mapping[str, str] = {
    # "I wasn't kind to myself" is being hard on oneself: the break fits.
    "compassion_log": "sc_break",
}
