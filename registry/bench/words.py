"""Fixed word lists for the benchmark data: names, places, posts and sentences.

The lists never change between runs, so that one seed always gives the same data. Common
surnames come first and are drawn most often (a Zipf-like weight by rank); rare names are
built from syllables, so most of them occur once or twice, as in a real registry.
"""

from __future__ import annotations

# fmt: off
GIVEN_NAMES = [
    "Ilham", "Elchin", "Jeyhun", "Sahiba", "Leyla", "Rashad", "Farid", "Nigar", "Kamran",
    "Aytan", "Giorgi", "Nino", "Levan", "Tamar", "Irakli", "Ketevan", "David", "Mariam",
    "Armen", "Anahit", "Tigran", "Lilit", "Ararat", "Gohar", "Nursultan", "Aigerim", "Daniyar",
    "Aruzhan", "Yerlan", "Saule", "Almazbek", "Aida", "Bakyt", "Cholpon", "Emomali", "Firuza",
    "Rustam", "Zarina", "Serdar", "Ogulbibi", "Berdimuhamed", "Shavkat", "Dilnoza", "Jamshid",
    "Gulnara", "Anders", "Jens", "Mark", "Radmila", "Robert", "Rose", "Mircea", "Javier",
    "Alexander", "Camille", "James", "Sarah", "Thomas", "Anna", "Piotr", "Ingrid", "Luca",
    "Elena", "Stefan", "Marta", "Henrik", "Sofia", "Mehmet", "Ayse", "Olena", "Andrii",
]

# Ordered by how common they are: the first few carry most of the weight.
COMMON_SURNAMES = [
    "Aliyev", "Mammadov", "Hasanov", "Beridze", "Kapanadze", "Sargsyan", "Petrosyan",
    "Nazarov", "Karimov", "Huseynov", "Gelashvili", "Hakobyan", "Abenov", "Usmonov",
    "Ismayilov", "Maisuradze", "Grigoryan", "Tokayev", "Rahmonov", "Berdiyev", "Mirziyoyev",
    "Japarov", "Abdyldaev", "Lomidze", "Harutyunyan", "Suleimenov", "Ashimov", "Saidov",
    "Orazov", "Yusupov", "Smith", "Jones", "Müller", "Dubois", "Rossi", "Nowak", "Hansen",
    "Jensen", "Popescu", "Yılmaz", "Kovalenko", "Garcia", "Brown", "Martin", "Novak",
]

# Syllables for rare surnames; none of them starts with "Q", so the one planted rare name
# below can never be produced by chance.
SURNAME_STARTS = [
    "Abd", "Bek", "Dzh", "Gur", "Kha", "Mur", "Nur", "Ord", "Sha", "Tur", "Zhan", "Vakh",
    "Ker", "Lom", "Mik", "Pap", "Tse", "Ghar", "Ust", "Ekh", "Bal", "Dav", "Gog", "Ion",
]
SURNAME_MIDDLES = ["a", "i", "o", "u", "e", "ar", "ul", "im", "ev", "an", "ush", "ik", "ot"]
SURNAME_ENDS = [
    "shvili", "dze", "yan", "ov", "ova", "ev", "eva", "bekov", "uly", "kyzy", "zoda", "li",
    "ski", "enko", "ani", "ashvili", "uulu",
]

# Exactly one generated person has this surname: the benchmark's "rare name" search.
RARE_SURNAME = "Quarvandeli"

PARTNER_CITIES = {
    "GE": ["Tbilisi", "Batumi", "Kutaisi", "Gori", "Zugdidi"],
    "AM": ["Yerevan", "Gyumri", "Vanadzor", "Dilijan"],
    "AZ": ["Baku", "Ganja", "Sumgait", "Shusha"],
    "KZ": ["Astana", "Almaty", "Shymkent", "Aktau"],
    "KG": ["Bishkek", "Osh", "Karakol"],
    "TJ": ["Dushanbe", "Khujand", "Kulob"],
    "TM": ["Ashgabat", "Turkmenbashi", "Mary"],
    "UZ": ["Tashkent", "Samarkand", "Bukhara", "Termez"],
    "AF": ["Kabul", "Mazar-i-Sharif", "Herat", "Kandahar"],
}

# Countries added when missing: (ISO code, name, capital).
OTHER_COUNTRIES = [
    ("BE", "Belgium", "Brussels"), ("TR", "Türkiye", "Ankara"), ("DE", "Germany", "Berlin"),
    ("FR", "France", "Paris"), ("GB", "United Kingdom", "London"),
    ("US", "United States", "Washington"), ("IT", "Italy", "Rome"), ("PL", "Poland", "Warsaw"),
    ("RO", "Romania", "Bucharest"), ("BG", "Bulgaria", "Sofia"), ("UA", "Ukraine", "Kyiv"),
    ("MD", "Moldova", "Chișinău"), ("NO", "Norway", "Oslo"), ("NL", "Netherlands", "The Hague"),
    ("ES", "Spain", "Madrid"), ("CA", "Canada", "Ottawa"), ("LT", "Lithuania", "Vilnius"),
    ("LV", "Latvia", "Riga"), ("EE", "Estonia", "Tallinn"), ("GR", "Greece", "Athens"),
    ("PT", "Portugal", "Lisbon"), ("DK", "Denmark", "Copenhagen"),
    ("CZ", "Czechia", "Prague"), ("HU", "Hungary", "Budapest"), ("SK", "Slovakia", "Bratislava"),
    ("HR", "Croatia", "Zagreb"), ("AL", "Albania", "Tirana"), ("ME", "Montenegro", "Podgorica"),
    ("MK", "North Macedonia", "Skopje"), ("FI", "Finland", "Helsinki"),
]

TOPICS = [
    "Energy security", "Border security", "Cyber defence", "Defence education", "Demining",
    "Counter-terrorism", "Crisis management", "Civil emergency planning", "Interoperability",
    "Integrity building", "Women, peace and security", "Public diplomacy", "Science for peace",
    "Arms control", "Disaster response", "Maritime security", "Military medicine",
    "Defence institution building", "Regional cooperation", "Climate and security",
    "Critical infrastructure", "Logistics", "Air defence", "Peacekeeping", "Training",
    "Standardisation", "Resilience", "Hybrid threats", "Strategic communications",
    "Non-proliferation", "Small arms", "Cultural heritage protection", "Emerging technologies",
]

MINISTRIES = [
    "Foreign Affairs", "Defence", "Internal Affairs", "Emergency Situations", "Energy",
    "Justice", "Education", "Economy", "Finance", "Transport", "Health", "Digital Development",
]
MINISTRY_ROLES = [
    ("Minister of {m} of {c}", 1), ("First Deputy Minister of {m} of {c}", 1),
    ("Deputy Minister of {m} of {c}", 4),
    ("Head of International Cooperation, Ministry of {m} of {c}", 1),
    ("Adviser to the Minister of {m} of {c}", 12),
    ("Director of European Integration, Ministry of {m} of {c}", 1),
]
GOVERNMENT_ROLES = [
    ("Prime Minister of {c}", 1), ("Deputy Prime Minister of {c}", 3),
    ("National Security Adviser of {c}", 1), ("Ambassador of {c} to NATO", 1),
    ("Head of the Mission of {c} to NATO", 1), ("Chief of the General Staff of {c}", 1),
]
PARLIAMENT_ROLES = [
    ("Speaker of the Parliament of {c}", 1), ("Member of the Parliament of {c}", 150),
    ("Chair of the Defence Committee of the Parliament of {c}", 1),
]
HEAD_OF_STATE_ROLES = [
    ("President of {c}", 1), ("Presidential Envoy of {c}", 3),
    ("Head of the Presidential Administration of {c}", 1),
]
NATO_ROLES = [
    ("NATO Assistant Secretary General for {a}", 1),
    ("NATO Deputy Assistant Secretary General for {a}", 1),
    ("Director of {a}, NATO International Staff", 1),
    ("Senior Officer for {a}, NATO International Staff", 20),
    ("Chair of the NATO Committee on {a}", 1),
]
NATO_AREAS = [
    "Political Affairs and Security Policy", "Operations", "Defence Policy and Planning",
    "Emerging Security Challenges", "Public Diplomacy", "Partnerships", "Cyber Defence",
    "Defence Investment", "Intelligence and Security", "Partnership and Cooperative Security",
    "Civil Emergency Planning", "Science and Technology", "Arms Control", "Energy Security",
]

VENUES = [
    "the Ministry of Foreign Affairs", "the Ministry of Defence", "the Presidential Palace",
    "the Parliament", "the National Defence Academy", "the NATO Liaison Office", "the Embassy",
    "the Government House", "the Diplomatic Academy", "the State Chancellery", "",
]
GROUPS = [
    "students at the Diplomatic Academy", "civil society representatives",
    "members of the parliamentary defence committee",
    "officers at the Peace Support Training Centre",
    "journalists and experts", "young leaders of the NATO Youth Forum",
    "ambassadors of NATO member states", "heads of the international organisations' offices",
]

SENTENCE_PARTS = {
    "verbs": [
        "discussed", "reviewed", "reaffirmed support for", "welcomed progress on",
        "agreed to deepen cooperation on", "took stock of", "exchanged views on",
        "underlined the importance of", "signed a plan on",
    ],
    "objects": [
        "energy security", "the partnership goals", "defence reform", "regional stability",
        "the Individual Partnership Action Plan", "cyber defence", "border management",
        "interoperability of the armed forces", "women, peace and security", "demining",
        "civil emergency planning", "the Substantial NATO–Georgia Package", "integrity building",
        "crisis management", "counter-terrorism", "resilience of critical infrastructure",
    ],
    "closings": [
        "The talks also covered the security situation in the region.",
        "Both sides welcomed the cooperation achieved so far.",
        "Further meetings were planned for the coming months.",
        "The visit was announced by the press office the day before.",
        "A joint statement was issued after the meeting.",
        "Details of the agreed projects were not made public.",
    ],
}

EVENT_CITIES = [
    "Brussels", "Madrid", "Vilnius", "Washington", "Wales", "Warsaw", "Chicago", "Lisbon",
    "Strasbourg", "Bucharest", "Riga", "Istanbul", "Prague", "Oslo", "Tallinn", "Antalya",
    "Sofia", "Bratislava", "Dubrovnik", "Berlin",
]

PROGRAMME_PREFIXES = [
    "Individual", "Enhanced", "Defence", "Building", "Partnership", "Regional", "Security",
    "Professional", "Interoperability", "Science", "Integrity", "Capacity",
]
PROGRAMME_NOUNS = [
    "Capacity Building", "Education Enhancement", "Integrity", "Cooperation", "Reform",
    "Planning and Review", "Resilience", "Trust Fund", "Training", "Dialogue", "Partnership",
]
PROGRAMME_KINDS = ["forum", "programme", "action_plan", "dialogue", "mission"]
# fmt: on
