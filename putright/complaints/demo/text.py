"""What the demo complaints say, per category, in the plain words residents and staff use."""

from __future__ import annotations

import random
from datetime import date

# code, name, share of complaints (per cent)
CATEGORIES: list[tuple[str, str, int]] = [
    ("repairs", "Repairs", 24),
    ("damp-mould", "Damp and mould", 12),
    ("leaks", "Leaks", 8),
    ("asb", "Anti-social behaviour", 7),
    ("estate-services", "Estate services and cleaning", 7),
    ("grounds", "Grounds maintenance", 4),
    ("rent-charges", "Rent and service charges", 7),
    ("staff-conduct", "Staff conduct", 6),
    ("complaint-handling", "Complaint handling", 4),
    ("lettings", "Lettings and allocations", 3),
    ("heating", "Heating and hot water", 9),
    ("communication", "Communication", 9),
]

# Which compensation-table line a financial remedy uses, and how many units, per category.
COMPENSATION_FOR: dict[str, tuple[str, tuple[int, int]]] = {
    "repairs": ("repair_delay", (3, 12)),
    "damp-mould": ("loss_of_room", (4, 16)),
    "leaks": ("redecoration", (1, 2)),
    "asb": ("time_and_trouble", (1, 1)),
    "estate-services": ("time_and_trouble", (1, 1)),
    "grounds": ("time_and_trouble", (1, 1)),
    "rent-charges": ("time_and_trouble", (1, 2)),
    "staff-conduct": ("distress", (1, 1)),
    "complaint-handling": ("complaint_delay", (1, 1)),
    "lettings": ("time_and_trouble", (1, 1)),
    "heating": ("loss_of_heating", (4, 21)),
    "communication": ("missed_appointment", (1, 3)),
}

ROOMS = ["bathroom", "kitchen", "front bedroom", "back bedroom", "living room", "hallway"]
CONTRACTORS = [
    "Apex Property Care",
    "Northgate Building Services",
    "Hearth & Home Heating",
    "Clearwater Plumbing",
    "GreenEdge Grounds",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
COUNTS = ["two", "three", "four", "five", "six"]


def fill(template: str, rng: random.Random, *, since: date, home: str = "", name: str = "") -> str:
    """Fill a template's blanks with plausible details for this case."""
    return template.format(
        since=f"{since:%B}",
        since_date=f"{since:%-d %B %Y}",
        room=rng.choice(ROOMS),
        room2=rng.choice(ROOMS),
        contractor=rng.choice(CONTRACTORS),
        day=rng.choice(WEEKDAYS),
        count=rng.choice(COUNTS),
        home=home,
        name=name,
        job=rng.randint(4_100_000, 4_999_999),
        claim=f"K{rng.randint(10, 99)}QZ{rng.randint(100, 999)}",
        ref=rng.randint(10_000, 99_999),
    )


CATEGORY_TEXT: dict[str, dict[str, list[str]]] = {
    "repairs": {
        "descriptions": [
            "I reported that the {room} window will not shut properly back in {since}. A man from {contractor} came out on a {day}, said a part was needed and nobody has been back since. I have rung {count} times and each time I am told it is on order.",
            "Since {since} the front door has been sticking and now it will not lock. I have to wedge it shut at night. The repair was booked twice and both times nobody turned up and nobody rang me.",
            "The kitchen unit doors have been hanging off since {since}. The operative who came said the whole kitchen is due for replacement so he would not fix them, but no one can tell me when the kitchen will be done.",
        ],
        "points": [
            "The repair has not been completed in the target time.",
            "Appointments were missed without notice.",
            "The resident was not kept informed about the parts delay.",
            "The operative left without making the repair safe.",
        ],
        "outcomes": [
            "Get the repair done properly and be told a firm date.",
            "Compensation for the missed appointments and an apology.",
            "A named person to contact about the repair.",
        ],
        "actions": [
            "Complete the repair and post-inspect the work.",
            "Book a follow-up appointment at a time that suits the resident.",
        ],
        "learning": [
            "Parts orders now have a 5-day chase in the repairs system so delays are picked up early.",
            "Contractor to text residents the day before and on the day of every appointment.",
        ],
    },
    "damp-mould": {
        "descriptions": [
            "Since {since} the {room} ceiling has had black mould spreading from the corner. I wash it down every week but it keeps coming back and my youngest has a cough that won't go. Someone came to look in {since} and said to open the windows.",
            "There is damp coming through the wall in the {room} and the wallpaper is peeling off. It smells musty and the mould is getting onto our clothes in the wardrobe. I first told you in {since} and nothing has been done.",
            "Mould is growing around the windows in every room. I was told a damp survey would be done but no one has contacted me. I have asthma and it is making it worse.",
        ],
        "points": [
            "Damp and mould in the home have not been dealt with.",
            "The resident was advised to ventilate without the cause being investigated.",
            "The promised damp survey did not happen.",
            "The household's health and vulnerability were not taken into account.",
        ],
        "outcomes": [
            "Find and fix the cause of the damp, not just wash the mould.",
            "A mould treatment and redecoration of the affected room.",
            "Compensation for the belongings ruined by mould.",
        ],
        "actions": [
            "Damp survey and remedial works, with a re-inspection 6 weeks after completion.",
            "Mould wash, stain block and redecoration of the affected room.",
            "Install a humidity-controlled extractor fan in the {room}.",
        ],
        "learning": [
            "All damp and mould reports now get an inspection within 10 working days, not advice by phone.",
            "Surveyors now record household vulnerability at the first damp visit.",
        ],
    },
    "leaks": {
        "descriptions": [
            "Water has been coming through the {room} ceiling from the flat above since {since}. The ceiling has a big brown stain and is bulging. Every time it rains it gets worse and I have buckets out.",
            "The pipe under my kitchen sink has been leaking since {since}. The plumber tightened it on a {day} but it started again two days later and now the floor unit has rotted.",
        ],
        "points": [
            "The leak was not traced and stopped in reasonable time.",
            "The damage caused by the leak has not been put right.",
            "The resident was not told what would happen next.",
        ],
        "outcomes": [
            "Stop the leak for good and repair the ceiling.",
            "Replace the damaged kitchen unit and flooring.",
        ],
        "actions": [
            "Trace and repair the leak from the flat above.",
            "Replaster and redecorate the {room} ceiling once it has dried out.",
        ],
        "learning": [
            "Leaks from another property are now raised as one linked job for both homes.",
        ],
    },
    "asb": {
        "descriptions": [
            "I have reported loud music from the flat above at night {count} times since {since}. The ASB officer said she would write to them but I have heard nothing back and nobody returns my calls.",
            "I am unhappy with how my reports of drug dealing on the stairwell have been handled. I kept the diary sheets like I was asked and gave them in on a {day} in {since}, then the case was closed without anyone telling me.",
        ],
        "points": [
            "The anti-social behaviour case was closed without telling the resident.",
            "Calls and emails to the ASB officer were not returned.",
            "No action plan was agreed with the resident.",
        ],
        "outcomes": [
            "Reopen the case and tell me what you are going to do.",
            "Regular updates from the officer dealing with it.",
        ],
        "actions": [
            "Reopen the ASB case and agree an action plan with the resident.",
            "Neighbourhood officer to update the resident every two weeks until the case closes.",
        ],
        "learning": [
            "ASB cases are no longer closed without a closing call or letter to the person who reported.",
        ],
    },
    "estate-services": {
        "descriptions": [
            "The communal stairs in my block have not been cleaned properly since {since}. There is rubbish on the landings and the lift smells of urine. We pay a service charge for this.",
            "The bin store has been overflowing for weeks and there are rats. I reported it in {since} and again on {day} and nobody has cleared it.",
        ],
        "points": [
            "Communal areas have not been cleaned to the published standard.",
            "Reports about the bin store were not acted on.",
        ],
        "outcomes": [
            "Clean the block properly and check it is being done.",
            "Clear the bin store and deal with the rats.",
        ],
        "actions": [
            "Deep clean of the block and pest control treatment of the bin store.",
            "Estate inspections with residents every month for three months.",
        ],
        "learning": [
            "Cleaning schedules are now posted in each block with a QR code to report missed cleans.",
        ],
    },
    "grounds": {
        "descriptions": [
            "The grass on the green by my house has not been cut since {since} and the hedges are blocking the path. My neighbour uses a wheelchair and cannot get past.",
            "A tree in the communal garden is dropping branches onto my car. I asked for it to be looked at in {since} and was told it is on a list.",
        ],
        "points": [
            "Grounds maintenance visits have been missed.",
            "A request for a tree inspection was not followed up.",
        ],
        "outcomes": [
            "Cut back the hedges and keep the path clear.",
            "Have the tree inspected and made safe.",
        ],
        "actions": [
            "Tree survey and any work it recommends.",
            "Cut back the hedges and keep the path on the fortnightly schedule.",
        ],
        "learning": [
            "Grounds visits are now logged by the contractor with photographs.",
        ],
    },
    "rent-charges": {
        "descriptions": [
            "My rent statement shows arrears of £{ref} pence that I do not owe. I pay by direct debit and have the bank statements to prove it. I have had a letter threatening court action and I am very worried.",
            "The service charge for my block has gone up by a third this year with no explanation of what it is for. I asked for a breakdown in {since} and have not had one.",
        ],
        "points": [
            "A payment was not applied to the rent account.",
            "A request for a service charge breakdown was not answered.",
            "An arrears letter was sent in error.",
        ],
        "outcomes": [
            "Correct my rent account and confirm in writing.",
            "A full breakdown of the service charge.",
        ],
        "actions": [
            "Send the resident a corrected rent statement.",
            "Send an itemised breakdown of the service charge with the invoices.",
        ],
        "learning": [
            "Arrears letters are now held for 3 working days after a payment query is logged.",
        ],
    },
    "staff-conduct": {
        "descriptions": [
            "When I rang on {day} about my repair the person I spoke to was rude and put the phone down on me. I was only asking when someone would come.",
            "The officer who visited on {day} in {since} talked down to me in front of my children and said the damp was my fault for drying clothes indoors.",
        ],
        "points": [
            "A member of staff was rude to the resident.",
            "The resident felt blamed and not listened to.",
        ],
        "outcomes": [
            "An apology and for it to be dealt with.",
            "A different officer to deal with my case.",
        ],
        "actions": [
            "Assign a different officer to the resident's case.",
        ],
        "learning": [
            "Customer service refresher training booked for the contact centre team.",
        ],
    },
    "complaint-handling": {
        "descriptions": [
            "I made a complaint in {since} and never got a reply. When I chased it I was told it had not been logged. This is the second time this has happened.",
            "My complaint was answered without anyone speaking to me and the letter did not deal with half of what I raised.",
        ],
        "points": [
            "An earlier complaint was not logged or acknowledged.",
            "The response did not address every point raised.",
        ],
        "outcomes": [
            "A proper answer to my original complaint.",
            "Compensation for the delay and the time I have spent chasing.",
        ],
        "actions": [
            "Log and respond to the resident's original complaint.",
        ],
        "learning": [
            "Emails to the general inbox that express dissatisfaction are now logged as complaints the same day.",
        ],
    },
    "lettings": {
        "descriptions": [
            "I moved into my flat in {since} and it was not in the condition I was promised at the viewing: the {room} had no flooring and the cooker did not work.",
            "I was told at sign-up that the garden fence would be replaced before I moved in. It is still broken and my dog keeps getting out.",
        ],
        "points": [
            "The home was let below the lettable standard.",
            "Work promised at sign-up was not done.",
        ],
        "outcomes": [
            "Bring the home up to the standard I was told it would be.",
            "Replace the fence.",
        ],
        "actions": [
            "Complete the outstanding void works listed at sign-up.",
        ],
        "learning": [
            "Void inspections now include a sign-off by the housing officer before keys are handed over.",
        ],
    },
    "heating": {
        "descriptions": [
            "My boiler broke down on a {day} in {since} and I have had no heating or hot water for over a week. I have a newborn baby and have been boiling kettles to wash her.",
            "The radiators in the {room} and {room2} have not worked since {since}. The engineer from {contractor} bled them and said they needed replacing but nothing has happened.",
        ],
        "points": [
            "Heating and hot water were not restored within the emergency timescale.",
            "Temporary heaters were not provided.",
            "The resident's vulnerability was not taken into account.",
        ],
        "outcomes": [
            "Fix the boiler now and give us heaters in the meantime.",
            "Compensation for the time without heating.",
        ],
        "actions": [
            "Replace the boiler and check all radiators.",
            "Refund the extra electricity used for temporary heaters.",
        ],
        "learning": [
            "Heating contractor now leaves temporary heaters at the first visit when a repair cannot be done the same day.",
        ],
    },
    "communication": {
        "descriptions": [
            "Nobody ever calls me back. I have left {count} messages since {since} about my neighbour's extension and have had no reply at all.",
            "I asked for letters in large print because of my sight and I still get everything in small type. I cannot read them.",
        ],
        "points": [
            "Calls and messages were not returned.",
            "A request for letters in large print was not acted on.",
        ],
        "outcomes": [
            "A call back from someone who can help.",
            "All letters in large print from now on.",
        ],
        "actions": [
            "Record the reasonable adjustment for large print and check it is applied to every letter.",
        ],
        "learning": [
            "Call-back requests now go into the CRM with a 2-working-day target.",
        ],
    },
}

RESPONSIBLE_FOR = {
    "repairs": "The repair to the home under the tenancy agreement and the conduct of our contractors.",
    "damp-mould": "Investigating and treating the damp and mould and its cause (Awaab's Law timescales).",
    "leaks": "Tracing the leak and repairing damage to the structure and our fixtures.",
    "asb": "How the anti-social behaviour case was managed and the contact with the resident.",
    "estate-services": "Cleaning and waste services in the communal areas, paid through the service charge.",
    "grounds": "Grounds maintenance of the communal land and trees we own.",
    "rent-charges": "The rent account and the service charge calculation.",
    "staff-conduct": "The conduct of our staff.",
    "complaint-handling": "How we handled the earlier complaint.",
    "lettings": "The condition of the home at letting and what we promised at sign-up.",
    "heating": "The heating system and hot water, and the service from our heating contractor.",
    "communication": "Returning calls and making the reasonable adjustments the resident asked for.",
}

NOT_RESPONSIBLE_FOR = {
    "leaks": "The resident's own belongings: a claim can go to their contents insurer.",
    "asb": "Criminal matters, which are for the police.",
    "heating": "The energy supplier's tariff.",
    "rent-charges": "Housing Benefit or Universal Credit decisions.",
    "lettings": "The council's housing register and banding decisions.",
}

DECISION_REASONS = {
    "upheld": [
        "Our records confirm this: the job was logged on time but the target date was missed and we did not tell the resident why.",
        "We did not meet our published standard and there is no record of the resident being kept informed.",
        "The notes of the visit and the call recording support what the resident told us.",
    ],
    "partly_upheld": [
        "There was a delay on our part, but part of it was waiting for access that the resident rescheduled.",
        "Some of the work was done as promised; the rest was not, and we did not explain why.",
    ],
    "not_upheld": [
        "Our records show the work was completed on the date agreed and the resident signed it off.",
        "The charge is correct: the breakdown sent with this letter shows how it was worked out.",
        "We found no evidence that the visit went as described; the officer's notes and a colleague present confirm a different account.",
    ],
}

SUMMARIES = {
    "upheld": "We are sorry: we got this wrong. We have upheld your complaint and set out below how we will put things right and by when.",
    "partly_upheld": "We have partly upheld your complaint. Some of what went wrong was our fault and we explain below what we will do about it.",
    "not_upheld": "We have looked carefully at everything you told us and our records, and we have not upheld your complaint. The reasons are below.",
}

NO_REMEDY = (
    "We did not find a failing on our part, so no remedy is offered; we have explained our reasons."
)

EXTENSION_REASONS = [
    "We are waiting for the contractor's report on the cause, which we need before we can decide the complaint.",
    "An independent damp survey is booked and its findings are needed to answer the complaint fully.",
    "The member of staff involved is on leave and we need their account.",
    "We need the resident's bank statements to trace the payment and they are posting them to us.",
]

GOOD_REASONS = [
    "The structural engineer's survey of the whole block is needed to answer the complaint and the earliest date the engineer can attend is after the Code's cap. The resident agreed to the longer extension on the phone and prefers a complete answer; we are updating them weekly.",
    "The complaint turns on the findings of a fire safety investigation at a high-rise block that is outside our control; answering before it reports would mean a response we might have to withdraw. The resident was told, with the Housing Ombudsman's details.",
]

EXCLUSION_TEXT: dict[str, tuple[str, str]] = {
    # ground: (reasoning for this case, discretion notes)
    "over_12_months": (
        "The fence panels {name} complains about were damaged in the storm of {since_date}, over 12 months before the complaint, and our records show {name} reported the damage at the time (job {job}) and was told then it would not be replaced. Nothing new has come to light since.",
        "Discretion considered: {name} was aware of the issue and our decision at the time; no health, vulnerability or other reason was given for the delay, so discretion was not exercised.",
    ),
    "legal_proceedings": (
        # Any category reaches this ground (at stage 2 too), so it names no particular defect.
        "{name}'s solicitors filed a disrepair claim at the County Court (claim {claim}) about the matters raised in this complaint at {home}; the claim form and particulars of claim were served on us on {since_date}. The matter will be decided by the court.",
        "",
    ),
    "previously_considered": (
        "The same concerns about the communal heating charge were answered in a stage 2 final response dated {since_date}; {name} has raised no new issue. The letter repeats how to take the matter to the Housing Ombudsman.",
        "",
    ),
    "service_request": (
        "This is the first report of the dripping bath tap at {home}. It has been raised as repair job {job} with an appointment on {day}; {name} has been told that if unhappy with how the repair is handled they can complain.",
        "",
    ),
    "lettings_decision": (
        "{name} disagrees with the priority band given on the housing register. Banding is decided by the council under its allocation scheme, not by Thrive Homes; {name} has been given the council's review contact details.",
        "",
    ),
    "environmental_health_notice": (
        "The matters raised are the subject of an improvement notice served by the council's Environmental Health team on {since_date} under the HHSRS. The works are being managed under the notice and {name} has the surveyor's direct number.",
        "",
    ),
    "councillor_mp_general": (
        "The councillor's email of {since_date} asks for general information about the planned window replacement programme on the estate. It does not express any resident's dissatisfaction, so it has been answered as an enquiry.",
        "",
    ),
    "external_appeal": (
        "The service charge for {home} was decided by the First-tier Tribunal (Property Chamber) on {since_date}. {name} has been told how to ask the tribunal for permission to appeal.",
        "",
    ),
    "leaseholder_consultation": (
        "{name}'s letter gives observations on our Section 20 notice of intention for the roof replacement. The observations will be answered through the consultation, and {name} has been given the home ownership team's contact details.",
        "",
    ),
    "appeals": (
        "{name} is unhappy that the request for a mutual exchange was refused. The decision has its own appeal process under the tenancy policy; {name} has been sent the appeal form, which must be returned within 20 working days.",
        "",
    ),
    "asb": (
        "This is a new report of noise from a neighbour at {home}, not a complaint about how we handled an earlier report. It has been passed to the ASB team as case ASB-{ref} and {name} has been told how to complain if unhappy with how it is handled.",
        "",
    ),
    "criminal": (
        "{name} reports threats and damage to their car by a named person. This is a criminal matter: {name} was advised to report it to the police on 101 and has given us crime reference {ref}; our ASB team will support the police.",
        "",
    ),
    "insurance_claim": (
        "{name} asks us to pay for a carpet and sofa damaged by the leak from the flat above. Damage to personal belongings is a matter for insurance; it has been passed to our insurance team (claim {ref}). The leak repair itself was completed on {since_date}.",
        "",
    ),
}

WITHDRAWAL_REASONS = [
    "The resident rang to say the repair has now been done and they are happy for the complaint to be closed.",
    "The resident emailed to withdraw the complaint after the neighbour dispute was resolved.",
    "The resident said on the phone they no longer want to pursue the complaint as they are moving.",
]

ESCALATION_REASONS = [
    "",
    "",
    "The repair still has not been done.",
    "I do not accept that the mould is caused by our lifestyle.",
    "The compensation offered does not reflect how long this has gone on.",
]

STAGE2_POINTS = [
    "The stage 1 response did not deal with the delay.",
    "The compensation offered at stage 1 was too low.",
]
