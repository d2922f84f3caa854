"""The generic interventions of the KOP-model, ordered by what they aim at (the H&W
article's table 4), with psycho-education as the base of every plan, and how each is
put to the patient in their plan (plain Dutch, B1)."""

from django.utils.translation import gettext_lazy as _

from kop.models import InterventionKind as I
from kop.models import Target

INTERVENTIONS_BY_TARGET = {
    Target.BASE: (I.PSYCHO_EDUCATION,),
    Target.K: (I.RELAXATION, I.MINDFULNESS, I.SLEEP_HYGIENE, I.EXERCISE),
    Target.O: (I.SUPPORT, I.TIME_MANAGEMENT, I.PROBLEM_SOLVING),
    Target.P: (I.CBT, I.PROBLEM_SOLVING, I.SOLUTION_FOCUSED, I.SOCIAL_LEARNING),
}

FOR_THE_PATIENT = {
    I.PSYCHO_EDUCATION: _("Find out together what is going on and why the complaints come"),
    I.RELAXATION: _("Do relaxation exercises"),
    I.MINDFULNESS: _("Practise mindfulness"),
    I.SLEEP_HYGIENE: _("Work on sleeping well: fixed times, rest before bed"),
    I.EXERCISE: _("Move more, for example cycling or walking"),
    I.SUPPORT: _("Ask the people around me for more help and support"),
    I.TIME_MANAGEMENT: _("Plan my days and tasks so they fit"),
    I.PROBLEM_SOLVING: _("Tackle problems step by step"),
    I.CBT: _("Learn to look differently at thoughts that bother me"),
    I.SOLUTION_FOCUSED: _("Find what already goes well and do more of it"),
    I.SOCIAL_LEARNING: _("Practise new ways of reacting"),
}


def is_offered(target: str, kind: str) -> bool:
    return any(
        target == group.value and kind in {k.value for k in kinds}
        for group, kinds in INTERVENTIONS_BY_TARGET.items()
    )
