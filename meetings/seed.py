"""The model meeting of 25.04.2018 (../shared/seeds/), as the application holds it.

The texts are the prefecture's own, kept as written but for one thing: the chair's real
name is replaced by an invented one (Agron Meçaj), so that the demo names no real person.
The seed names no formal decisions and no attendance list: the three decisions below
restate what the meeting agreed (a programme of measures before the tourist season, a
meeting with the cities the children come from, the calendar of awareness activities).
"""

from __future__ import annotations

import datetime

TITLE = "Takim me Tryezën Teknike (KRAT-i)"
DATE = datetime.date(2018, 4, 25)
ACTION_PLAN = "Plani i veprimit i KRAT 2018"
PLACE = "Prefektura e Qarkut Durrës"

INTRODUCTION = (
    "Në bazë të planit të veprimit të KRAT 2018, Prefekti i Qarkut dhe Kryetari i Tryezës Teknike "
    "organizuan një takim me anëtarët e Tryezës Teknike (KRAT-i), si dhe aktorë të tjerë antitrafik "
    "të qarkut tonë, të cilët u fokusuan në koordinimin e aktiviteteve dhe problematikat kryesore që "
    "kanë të bëjnë me:"
)

# (title, presenting institution, discussion)
AGENDA = [
    (
        "Vlerësimin e situatës deri tani kundër trafikimit të personave.",
        "Prefektura e Qarkut Durrës",
        "Përfaqësuesit e institucioneve të përfshira raportuan mbi zbatimi i planeve te veprimit të "
        "hartuara, bashkëpunimet dhe rezultatet e arritura në luftën kundër trafikimit për periudhën "
        "janar – prill 2018. Të pranishmit diskutuan për problematikat e tyre por dhe për masat e mara "
        "për realizimin me sukses të planeve të veprimit.",
    ),
    ("Numri i viktimave të trafikimit.", "Drejtoria Vendore e Policisë Durrës", ""),
    (
        "Situata e grupeve vurnerabel kryesisht e atyre që marin ndihmë ekonomike dhe punësimi i tyre.",
        "Zyra e Punës Durrës",
        "Në lidhje me punësimin e shtresave në nevojë përfaqësuesja e Zyrës së Punës bëri një panoramë "
        "të detajuar të rasteve që më pare trajtoheshin me ndihmë ekonomike të cilët janë pritur, "
        "intervistuar duke vlerësuar aftësitë e tyre të punësueshmërisë me qëllim integrimin e tyre në "
        "tregun e punës. Një pjesë e tyre janë orientuar drejt vendeve të lira të punës dhe një pjesë "
        "tjetër drejt formimit profesional.",
    ),
    (
        "Problemi i fëmijeve në situatë rruge dhe masat që do meren në prag të sezonit turistik.",
        "Drejtoria Rajonale e Shërbimit Social Shtetëror Durrës",
        "Fëmijët në situatë rruge ishte një aspekt i ndjeshëm që u diskutua në këtë tryezë teknike. Në "
        "sezonin turistik ky fenomen theksohet për shkak edhe të fluksit të fëmijëve që lypin të ardhur "
        "nga qytete të tjera. Për këtë arsye gjatë fjalës së tij z. Meçaj vuri në dukje se ky "
        "feneomen nuk duhet të përsëritet dhe për këtë duhet një program masash që para fillimit të "
        "sezonit turistik ku të përfshihet dhe një takim me strukturat e qyteteve nga të cilat vijnë "
        "këta fëmijë.",
    ),
    (
        "Realizimi i aktiviteteve sensibilizuese dhe ndërgjegjësuese në bazë të planit të veprimit.",
        "Prefektura e Qarkut Durrës",
        "Çështje tjetër që u diskutua në këtë takim ishte dhe hartimi i kalendarit të aktiviteteve "
        "ndergjegjësuese dhe sensibilizuese.",
    ),
]

CHAIR_REMARKS = (
    "Sekretari i Përgjithshëm Z. Agron Meçaj në cilësinë e kryetarit të Tryezës Teknike në "
    "fjalën e tij bëri një përmbledhje dhe një vlerësim të situatës në qarkun tonë për këtë periudhë, "
    "duke theksuar përpjekjet e vazhdushme që janë bërë nga të gjitha strukturat anëtare në luftën "
    "kundër trafikimit të personave. Ai theksoj së çelësi i suksesit qëndron në bashkërendimin dhe "
    "koordinimin e punës midis të gjithë aktorëve pjesmarrës."
)

# (text, responsible institution, due date, agenda item number)
DECISIONS = [
    (
        "Të hartohet një program masash për fëmijët në situatë rruge para fillimit të sezonit turistik.",
        "Drejtoria Rajonale e Shërbimit Social Shtetëror Durrës",
        datetime.date(2018, 5, 31),
        4,
    ),
    (
        "Të organizohet një takim me strukturat e qyteteve nga të cilat vijnë fëmijët që lypin.",
        "Prefektura e Qarkut Durrës",
        datetime.date(2018, 5, 31),
        4,
    ),
    (
        "Të hartohet kalendari i aktiviteteve ndërgjegjësuese dhe sensibilizuese.",
        "Prefektura e Qarkut Durrës",
        datetime.date(2018, 5, 15),
        5,
    ),
]
