"""The cluster as the nukliD article describes it: partners, their capabilities, the events."""

from datetime import date
from typing import Any

# Each tag: its group, then its English and German label.
CAPABILITIES = {
    "radiopharmaceutical-precursors": (
        "production",
        "Radiopharmaceutical precursors",
        "Radiopharmazeutische Vorprodukte",
    ),
    "reagent-kits": ("production", "Reagent kits", "Reagenzienkits"),
    "cassette-systems": ("production", "Cassette systems", "Kassettensysteme"),
    "gmp-production": ("production", "GMP production", "GMP-gerechte Herstellung"),
    "radiopharmaceutical-manufacturing": (
        "production",
        "Radiopharmaceutical manufacturing",
        "Herstellung von Radiopharmaka",
    ),
    "parkinson-diagnostics": (
        "diagnostics",
        "I-123 Parkinson diagnostics",
        "Parkinson-Diagnostik mit Iod-123",
    ),
    "psma-diagnostics": (
        "diagnostics",
        "PSMA prostate-cancer diagnostics",
        "PSMA-Diagnostik bei Prostatakrebs",
    ),
    "molecular-diagnostics": (
        "diagnostics",
        "Molecular diagnostic test systems",
        "Molekulardiagnostische Testsysteme",
    ),
    "biomarkers": ("diagnostics", "Biomarkers", "Biomarker"),
    "theranostics": ("diagnostics", "Theranostics", "Theranostik"),
    "radiopharmaceutical-analytics": (
        "analytics",
        "Radiopharmaceutical analytics",
        "Radiopharmazeutische Analytik",
    ),
    "sterility-testing": ("analytics", "Sterility testing", "Sterilitätsprüfung"),
    "hplc": ("analytics", "HPLC analysis", "HPLC-Analytik"),
    "particle-analysis": ("analytics", "Particle analysis", "Partikelanalytik"),
    "new-radiopharmaceuticals": (
        "research",
        "New radiopharmaceuticals",
        "Entwicklung neuer Radiopharmaka",
    ),
    "radiopharmaceutical-research": (
        "research",
        "Diagnostic and therapeutic radiopharmaceutical research",
        "Forschung an diagnostischen und therapeutischen Radiopharmaka",
    ),
    "pet-imaging-algorithms": (
        "research",
        "PET imaging algorithms",
        "Algorithmen für die PET-Bildgebung",
    ),
    "radio-immunotherapeutics": (
        "research",
        "Radio-immunotherapeutics",
        "Radioimmuntherapeutika",
    ),
    "contract-research": ("regulatory", "Contract research", "Auftragsforschung"),
    "clinical-trials": ("regulatory", "Clinical trials", "Klinische Studien"),
    "regulatory-services": (
        "regulatory",
        "Regulatory services",
        "Regulatorische Dienstleistungen",
    ),
    "radioactive-handling": (
        "handling",
        "Handling of radioactive substances",
        "Umgang mit radioaktiven Stoffen",
    ),
    "radioactive-recycling": (
        "handling",
        "Recycling of radioactive substances",
        "Recycling radioaktiver Stoffe",
    ),
    "radioactive-transport": (
        "handling",
        "Transport of radioactive substances",
        "Transport radioaktiver Stoffe",
    ),
    "hot-cells": ("facilities", "Custom hot cells", "Heiße Zellen nach Maß"),
    "in-cell-equipment": ("facilities", "In-cell equipment", "Ausrüstung für heiße Zellen"),
    "laboratory-software": (
        "facilities",
        "Laboratory-process software",
        "Software für Laborprozesse",
    ),
}

PARTNERS = [
    {
        "slug": "abx",
        "name": "ABX advanced biochemical compounds GmbH",
        "kind": "company",
        "location": "Radeberg",
        "description_en": "Supplier of radiopharmaceutical pre-products, reagent kits and "
        "cassette systems and their GMP-compliant production; develops new radiopharmaceuticals "
        "(PSMA-1007, with the HZDR).",
        "description_de": "Lieferant radiopharmazeutischer Vorprodukte, Reagenzienkits und "
        "Kassettensysteme sowie deren GMP-gerechter Herstellung; entwickelt neue Radiopharmaka "
        "(PSMA-1007, gemeinsam mit dem HZDR).",
        "capabilities": [
            "radiopharmaceutical-precursors",
            "reagent-kits",
            "cassette-systems",
            "gmp-production",
            "new-radiopharmaceuticals",
        ],
    },
    {
        "slug": "abx-cro",
        "name": "ABX-CRO advanced pharmaceutical services Forschungsgesellschaft mbH",
        "kind": "company",
        "location": "Dresden",
        "description_en": "Contract research organisation: clinical trials and regulatory "
        "services.",
        "description_de": "Auftragsforschungsinstitut: klinische Studien und regulatorische "
        "Dienstleistungen.",
        "capabilities": ["contract-research", "clinical-trials", "regulatory-services"],
    },
    {
        "slug": "cup-laboratorien",
        "name": "CUP Laboratorien Dr. Freitag GmbH",
        "kind": "company",
        "location": "Radeberg",
        "description_en": "Radiopharmaceutical analytics: sterility testing, HPLC and particle "
        "analyses.",
        "description_de": "Radiopharmazeutische Analytik: Sterilitätsprüfungen, HPLC- und "
        "Partikelanalysen.",
        "capabilities": [
            "radiopharmaceutical-analytics",
            "sterility-testing",
            "hplc",
            "particle-analysis",
        ],
    },
    {
        "slug": "gamma-service-recycling",
        "name": "Gamma-Service Recycling GmbH (Eckert & Ziegler)",
        "kind": "company",
        "location": "Dresden-Rossendorf",
        "description_en": "Handling, recycling and transport of radioactive substances in Germany "
        "and abroad.",
        "description_de": "Umgang mit radioaktiven Stoffen, ihr Recycling und ihr Transport in "
        "Deutschland und ins Ausland.",
        "capabilities": ["radioactive-handling", "radioactive-recycling", "radioactive-transport"],
    },
    {
        "slug": "hzdr",
        "name": "Helmholtz-Zentrum Dresden-Rossendorf (HZDR)",
        "kind": "research",
        "location": "Dresden-Rossendorf",
        "description_en": "Research on diagnostic and therapeutic radiopharmaceuticals, PET "
        "imaging algorithms and radio-immunotherapeutics.",
        "description_de": "Forschung an diagnostischen und therapeutischen Radiopharmaka, "
        "Algorithmen für die PET-Bildgebung und Radioimmuntherapeutika.",
        "capabilities": [
            "radiopharmaceutical-research",
            "pet-imaging-algorithms",
            "radio-immunotherapeutics",
        ],
    },
    {
        "slug": "itd",
        "name": "Isotope Technologies Dresden GmbH (ITD, Eckert & Ziegler)",
        "kind": "company",
        "location": "Dresden-Rossendorf",
        "description_en": "Custom-made hot cells and in-cell equipment.",
        "description_de": "Heiße Zellen nach Maß und Ausrüstung für heiße Zellen.",
        "capabilities": ["hot-cells", "in-cell-equipment"],
    },
    {
        "slug": "mdg",
        "name": "MDG Molecular Diagnostics Group GmbH (Biotype, qualitype, ROTOP)",
        "kind": "network",
        "location": "Dresden-Hellerau",
        "description_en": "Competence network: molecular diagnostic test systems (Biotype) and "
        "software for digital laboratory processes (qualitype).",
        "description_de": "Kompetenznetzwerk: molekulardiagnostische Testsysteme (Biotype) und "
        "Software für digitale Laborprozesse (qualitype).",
        "capabilities": ["molecular-diagnostics", "laboratory-software"],
    },
    {
        "slug": "rotop",
        "name": "ROTOP Pharmaka GmbH",
        "kind": "company",
        "location": "Dresden-Rossendorf",
        "description_en": "Manufacturer of radiopharmaceuticals, including an iodine-123 compound "
        "for Parkinson diagnostics and a product for PSMA-based prostate-cancer diagnostics.",
        "description_de": "Hersteller von Radiopharmaka, darunter eine Iod-123-Verbindung für die "
        "Parkinson-Diagnostik und ein Präparat für die PSMA-basierte Diagnostik von "
        "Prostatakrebs.",
        "capabilities": [
            "radiopharmaceutical-manufacturing",
            "parkinson-diagnostics",
            "psma-diagnostics",
        ],
    },
    {
        "slug": "trimt",
        "name": "TRIMT GmbH",
        "kind": "company",
        "location": "Radeberg region",
        "description_en": "Start-up developing biomarkers and theranostics for pancreatic cancer.",
        "description_de": "Start-up, das Biomarker und Theranostik für die Behandlung von "
        "Bauchspeicheldrüsenkrebs entwickelt.",
        "capabilities": ["biomarkers", "theranostics"],
    },
]

EVENTS = [
    {
        "slug": "eanm-2025-lunch",
        "title_en": "Lunch event at the EANM 2025",
        "title_de": "Lunch-Treffen auf dem EANM-Kongress 2025",
        "starts_on": date(2025, 10, 6),
        "ends_on": date(2025, 10, 6),
        "city": "Barcelona",
        "country": "ES",
        "timezone": "Europe/Madrid",
        "description_en": "Meet the nukliD Radiopharmacy Cluster Dresden over lunch at the annual "
        "congress of the European Association of Nuclear Medicine.",
        "description_de": "Treffen Sie das nukliD Radiopharmacy Cluster Dresden beim Mittagessen "
        "auf dem Jahreskongress der European Association of Nuclear Medicine.",
    },
    {
        "slug": "hi-tech-meets-life-sciences-2025",
        "title_en": "Hi-Tech meets Life Sciences Forum Radiopharmacy in Saxony",
        "title_de": "Hi-Tech meets Life Sciences: Forum Radiopharmazie in Sachsen",
        "starts_on": date(2025, 10, 28),
        "ends_on": date(2025, 10, 29),
        "city": "Dresden",
        "country": "DE",
        "timezone": "Europe/Berlin",
        "description_en": "Two days on radiopharmacy in Saxony with the partners of the cluster.",
        "description_de": "Zwei Tage Radiopharmazie in Sachsen mit den Partnern des Clusters.",
    },
    {
        "slug": "german-biotech-days-2026",
        "title_en": "German Biotech Days",
        "title_de": "German Biotech Days",
        "starts_on": date(2026, 4, 21),
        "ends_on": date(2026, 4, 22),
        "city": "Leipzig",
        "country": "DE",
        "timezone": "Europe/Berlin",
        "description_en": "The nukliD cluster at Germany's meeting of the biotech industry.",
        "description_de": "Das nukliD-Cluster auf dem Branchentreffen der deutschen "
        "Biotechnologie.",
    },
]

# Fictional leads at several points of the pipeline; ``journey`` lists the stage moves with how
# many days ago each happened, so that stage history and time in stage read like real ones.
DEMO_COMPANIES: list[dict[str, Any]] = [
    {
        "name": "Demo: Nordlicht Isotopes AB",
        "domain": "nordlicht-isotopes.example",
        "country": "SE",
        "city": "Uppsala",
        "sector": "Radiopharmaceutical manufacturing",
        "needs": ["gmp-production", "sterility-testing", "hot-cells"],
        "investment_type": "new_site",
        "new_jobs": 40,
        "capex_eur": 18_000_000,
        "likelihood_percent": 60,
        "site_area_m2": 2500,
        "needs_production": True,
        "needs_gmp": True,
        "needs_hot_cells": True,
        "needs_controlled_area": True,
        "journey": [("qualified", 120, ""), ("active", 75, ""), ("site_visit", 20, "")],
        # The template's steps in order: (status, planned in days, done days ago); the second is
        # overdue.
        "roadmap": [
            ("granted", -40, 12),
            ("in_progress", -5, None),
            ("open", 45, None),
            ("open", 90, None),
            ("not_needed", None, 3),
        ],
        "contacts": [("Astrid Lindqvist", "astrid.lindqvist", "CEO", "en")],
        "activities": [
            ("call", 118, "First call: a second production site for Lu-177 products", ""),
            ("meeting", 74, "Meeting at the EANM booth", "Interested in the Rossendorf park."),
            ("site_visit", 20, "Site visit Dresden-Rossendorf", "Toured plots 4 and 7 with ITD."),
        ],
        "tasks": [("Send the plot 7 lease terms", -3), ("Call about the GMP timeline", 0)],
        "partners": ["itd", "cup-laboratorien"],
    },
    {
        "name": "Demo: Atlantic Theranostics Inc.",
        "domain": "atlantic-theranostics.example",
        "country": "US",
        "city": "Boston",
        "sector": "Theranostics",
        "needs": ["clinical-trials", "regulatory-services", "radioactive-transport"],
        "investment_type": "expansion",
        "new_jobs": 15,
        "capex_eur": 4_500_000,
        "likelihood_percent": 35,
        "site_area_m2": 400,
        "needs_office": True,
        "needs_lab": True,
        "journey": [("qualified", 40, "")],
        "contacts": [("Daniel Brooks", "d.brooks", "VP Europe", "en")],
        "activities": [("email", 39, "Sent the cluster brochure", "")],
        "tasks": [("Introduce ABX-CRO for the EU trial", 10)],
        "partners": ["abx-cro"],
    },
    {
        "name": "Demo: Alpenglow Diagnostics GmbH",
        "domain": "alpenglow-diagnostics.example",
        "country": "AT",
        "city": "Innsbruck",
        "sector": "Molecular diagnostics",
        "needs": ["laboratory-software", "hplc"],
        "journey": [],
        "contacts": [],
        "activities": [],
        "tasks": [],
        "partners": [],
    },
    {
        "name": "Demo: Baltic Radiochemistry OÜ",
        "domain": "baltic-radiochemistry.example",
        "country": "EE",
        "city": "Tartu",
        "sector": "Radiochemistry",
        "needs": ["radiopharmaceutical-precursors"],
        "journey": [("qualified", 200, ""), ("lost", 60, "Chose a site with lower rent")],
        "lost_to_location": "Leuven",
        "contacts": [("Kadri Tamm", "kadri.tamm", "Founder", "en")],
        "activities": [("call", 61, "They decided for Leuven", "Rent was the deciding factor.")],
        "tasks": [],
        "partners": [],
    },
    {
        "name": "Demo: Sakura Radiopharma K.K.",
        "domain": "sakura-radiopharma.example",
        "country": "JP",
        "city": "Osaka",
        "sector": "Radiopharmaceutical manufacturing",
        "needs": ["radiopharmaceutical-manufacturing", "radioactive-handling"],
        "investment_type": "new_site",
        "new_jobs": 25,
        "safeguarded_jobs": 0,
        "capex_eur": 9_000_000,
        "likelihood_percent": 100,
        "site_area_m2": 1400,
        "needs_production": True,
        "needs_gmp": True,
        "needs_controlled_area": True,
        "site": "Demo: Production unit P1",
        "journey": [
            ("qualified", 400, ""),
            ("active", 330, ""),
            ("site_visit", 280, ""),
            ("decision", 200, ""),
            ("landed", 90, ""),
        ],
        "verified": "Trade register entry HRB 99999 (fictional)",
        "expansion_plans": "Demo: a second hot-cell line for Ac-225 products from 2027, "
        "about 600 m² more.",
        "contacts": [("Haruto Sato", "h.sato", "Managing director", "en")],
        "activities": [("meeting", 200, "Decision meeting in Osaka", "")],
        "tasks": [],
        "partners": ["gamma-service-recycling"],
    },
    {
        "name": "Demo: Danube Isotope Services Kft.",
        "domain": "danube-isotopes.example",
        "country": "HU",
        "city": "Budapest",
        "sector": "Isotope logistics",
        "needs": ["radioactive-transport", "radioactive-recycling"],
        "journey": [("qualified", 90, ""), ("on_hold", 30, "Waiting for their board in spring")],
        "contacts": [("Zsófia Kovács", "zsofia.kovacs", "Head of strategy", "de")],
        "activities": [("note", 30, "Board decides in spring", "")],
        "tasks": [("Check in after the board meeting", 60)],
        "partners": [],
    },
    {
        # Confidential: everyone but its owner and admins reads "Project Heron".
        "name": "Demo: Heron Radiopharma SE",
        "codename": "Project Heron",
        "domain": "heron-radiopharma.example",
        "country": "FR",
        "city": "Lyon",
        "sector": "Radioligand therapy",
        "needs": ["gmp-production", "hot-cells"],
        "investment_type": "new_site",
        "new_jobs": 120,
        "capex_eur": 60_000_000,
        "journey": [("qualified", 40, ""), ("active", 10, "")],
        "contacts": [("Camille Durand", "camille.durand", "Chief operating officer", "en")],
        "activities": [("meeting", 10, "Meeting under NDA", "A new European production hub.")],
        "tasks": [("Send the NDA draft back", 2)],
        "partners": [],
    },
]

# Fictional plots and units in the park and in Radeberg, so that the demo leads have sites to
# match (and one a landed lead took); "available_in_days" is counted from the day the demo is
# loaded.
DEMO_SITES: list[dict[str, Any]] = [
    {
        "name": "Demo: Plot R7, Rossendorf park",
        "location": "rossendorf",
        "address": "Demo-Ring 7 (fictional)",
        "latitude": 51.0631,
        "longitude": 13.9505,
        "area_m2": 6000,
        "kind": "plot",
        "is_gmp_ready": True,
        "is_hot_cell_capable": True,
        "is_radiation_licence_possible": True,
        "power_kva": 2000,
        "price_basis": "sale",
        "price_min_eur": 900_000,
        "price_max_eur": 1_100_000,
        "description": "Demo: a serviced plot next to the cyclotron, zoned for radiopharmacy.",
    },
    {
        "name": "Demo: Cleanroom suite C2, Innovation Centre",
        "location": "rossendorf",
        "area_m2": 1800,
        "kind": "cleanroom",
        "cleanroom_class": "c",
        "is_gmp_ready": True,
        "is_radiation_licence_possible": True,
        "power_kva": 630,
        "floor_load_kn_m2": 15,
        "price_min_eur": 14,
        "price_max_eur": 18,
        "description": "Demo: a qualified grade C suite with airlocks; no hot cells yet.",
    },
    {
        "name": "Demo: Lab and office floor L3",
        "location": "rossendorf",
        "area_m2": 450,
        "kind": "lab",
        "available_in_days": 30,
        "price_min_eur": 11,
        "price_max_eur": 13,
        "description": "Demo: chemistry labs with fume hoods and a row of offices.",
    },
    {
        "name": "Demo: Controlled area unit K1",
        "location": "rossendorf",
        "area_m2": 900,
        "kind": "controlled_area",
        "is_gmp_ready": True,
        "is_hot_cell_capable": True,
        "is_radiation_licence_possible": True,
        "floor_load_kn_m2": 30,
        "price_min_eur": 20,
        "price_max_eur": 24,
        "description": "Demo: a licensed controlled area with room for two hot-cell lines.",
    },
    {
        "name": "Demo: Production unit P1",
        "location": "rossendorf",
        "area_m2": 1600,
        "kind": "production",
        "is_gmp_ready": True,
        "is_radiation_licence_possible": True,
        "price_min_eur": 15,
        "price_max_eur": 17,
        "description": "Demo: a GMP production unit with a licensed controlled area.",
    },
    {
        "name": "Demo: Hall 2, Radeberg",
        "location": "radeberg",
        "address": "Demo-Straße 2, Radeberg (fictional)",
        "area_m2": 3200,
        "kind": "production",
        "power_kva": 1000,
        "floor_load_kn_m2": 25,
        "price_min_eur": 7,
        "price_max_eur": 9,
        "description": "Demo: a production hall with a loading bay.",
    },
]
# The demo lead that holds a reservation, and for how long from the day the demo is loaded.
DEMO_RESERVATION = ("Demo: Plot R7, Rossendorf park", "Demo: Nordlicht Isotopes AB", 45)

# Who registers for the demo events: people of the demo companies (matched by their domain).
DEMO_REGISTRANTS = [
    (
        "Astrid Lindqvist",
        "astrid.lindqvist@nordlicht-isotopes.example",
        "Demo: Nordlicht Isotopes AB",
        "SE",
    ),
    (
        "Daniel Brooks",
        "d.brooks@atlantic-theranostics.example",
        "Demo: Atlantic Theranostics Inc.",
        "US",
    ),
    (
        "Lena Hofer",
        "lena.hofer@alpenglow-diagnostics.example",
        "Demo: Alpenglow Diagnostics GmbH",
        "AT",
    ),
    ("Haruto Sato", "h.sato@sakura-radiopharma.example", "Demo: Sakura Radiopharma K.K.", "JP"),
    (
        "Zsófia Kovács",
        "zsofia.kovacs@danube-isotopes.example",
        "Demo: Danube Isotope Services Kft.",
        "HU",
    ),
    ("Erik Nyberg", "erik.nyberg@nordlicht-isotopes.example", "Demo: Nordlicht Isotopes AB", "SE"),
]

DEMO_EVENT = {
    "slug": "demo-site-tour",
    "title_en": "DEMO: Sample site tour Dresden-Rossendorf",
    "title_de": "DEMO: Beispiel-Standortführung Dresden-Rossendorf",
    "city": "Dresden",
    "country": "DE",
    "timezone": "Europe/Berlin",
    "venue_en": "Dresden-Rossendorf industrial park (fictional sample event)",
    "venue_de": "Industriepark Dresden-Rossendorf (erfundene Beispielveranstaltung)",
    "capacity": 20,
    "description_en": "A fictional sample event for trying registration end to end. It is not a "
    "real event of the cluster.",
    "description_de": "Eine erfundene Beispielveranstaltung, um die Anmeldung von Anfang bis Ende "
    "auszuprobieren. Sie ist keine echte Veranstaltung des Clusters.",
    "questions": [
        {
            "key": "dietary",
            "en": "Dietary needs",
            "de": "Ernährung",
            "choices": [
                {"value": "none", "en": "None", "de": "Keine"},
                {"value": "vegetarian", "en": "Vegetarian", "de": "Vegetarisch"},
            ],
        }
    ],
}

DEMO_FULL_EVENT = {
    "slug": "demo-hot-cell-workshop",
    "title_en": "DEMO: Sample hot-cell workshop (fully booked)",
    "title_de": "DEMO: Beispiel-Workshop heiße Zellen (ausgebucht)",
    "city": "Dresden",
    "country": "DE",
    "timezone": "Europe/Berlin",
    "venue_en": "Fictional lab, Dresden-Rossendorf",
    "venue_de": "Erfundenes Labor, Dresden-Rossendorf",
    "capacity": 3,
    "description_en": "A fictional small workshop that is fully booked, with a waiting list.",
    "description_de": "Ein erfundener kleiner Workshop, der ausgebucht ist, mit Warteliste.",
}

DEMO_PAST_EVENT = {
    "slug": "demo-partner-lunch",
    "title_en": "DEMO: Sample partner lunch (past)",
    "title_de": "DEMO: Beispiel-Partnermittagessen (vergangen)",
    "city": "Dresden",
    "country": "DE",
    "timezone": "Europe/Berlin",
    "venue_en": "Fictional venue",
    "venue_de": "Erfundener Veranstaltungsort",
    "capacity": 30,
    "description_en": "A fictional past event, so that check-in, no-shows and sent mail can be "
    "seen.",
    "description_de": "Eine erfundene vergangene Veranstaltung, an der sich Check-in, "
    "Nichterscheinen und versandte E-Mails zeigen lassen.",
}

DEMO_DRAFT_EVENT = {
    "slug": "demo-isotope-night",
    "title_en": "DEMO: Isotope night (draft)",
    "title_de": "DEMO: Isotopennacht (Entwurf)",
    "city": "Dresden",
    "country": "DE",
    "timezone": "Europe/Berlin",
    "capacity": 50,
    "description_en": "A fictional event still being planned: not public yet.",
    "description_de": "Eine erfundene Veranstaltung, die noch geplant wird: noch nicht öffentlich.",
}

# What a radiopharmacy settling in Saxony usually needs; seeded into an empty roadmap template,
# which admins change afterwards: (title, authority).
ROADMAP_TEMPLATE = [
    ("Building permit (Baugenehmigung)", "Untere Bauaufsichtsbehörde (Landkreis / Stadt)"),
    ("Environmental and emission permit (BImSchG)", "Landesdirektion Sachsen"),
    (
        "Radiation-protection licence (§ 12 StrlSchG)",
        "Sächsisches Staatsministerium für Energie, Klimaschutz, Umwelt und Landwirtschaft",
    ),
    (
        "GMP manufacturing authorisation (§ 13 AMG)",
        "Landesdirektion Sachsen, Arzneimittelüberwachung",
    ),
    (
        "Licence to transport radioactive material (§ 27 StrlSchG)",
        "Bundesamt für die Sicherheit der nuklearen Entsorgung (BASE)",
    ),
]
