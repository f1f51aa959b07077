"""The cluster as the nukliD article describes it: partners, their capabilities, the events."""

from datetime import date
from typing import Any

CAPABILITIES = {
    "radiopharmaceutical-precursors": "Radiopharmaceutical precursors",
    "reagent-kits": "Reagent kits",
    "cassette-systems": "Cassette systems",
    "gmp-production": "GMP production",
    "new-radiopharmaceuticals": "New radiopharmaceuticals",
    "contract-research": "Contract research",
    "clinical-trials": "Clinical trials",
    "regulatory-services": "Regulatory services",
    "radiopharmaceutical-analytics": "Radiopharmaceutical analytics",
    "sterility-testing": "Sterility testing",
    "hplc": "HPLC analysis",
    "particle-analysis": "Particle analysis",
    "radioactive-handling": "Handling of radioactive substances",
    "radioactive-recycling": "Recycling of radioactive substances",
    "radioactive-transport": "Transport of radioactive substances",
    "radiopharmaceutical-research": "Diagnostic and therapeutic radiopharmaceutical research",
    "pet-imaging-algorithms": "PET imaging algorithms",
    "radio-immunotherapeutics": "Radio-immunotherapeutics",
    "hot-cells": "Custom hot cells",
    "in-cell-equipment": "In-cell equipment",
    "molecular-diagnostics": "Molecular diagnostic test systems",
    "laboratory-software": "Laboratory-process software",
    "radiopharmaceutical-manufacturing": "Radiopharmaceutical manufacturing",
    "parkinson-diagnostics": "I-123 Parkinson diagnostics",
    "psma-diagnostics": "PSMA prostate-cancer diagnostics",
    "biomarkers": "Biomarkers",
    "theranostics": "Theranostics",
}

PARTNERS = [
    {
        "slug": "abx",
        "name": "ABX advanced biochemical compounds GmbH",
        "kind": "company",
        "location": "Radeberg",
        "description": "Supplier of radiopharmaceutical pre-products, reagent kits and cassette "
        "systems and their GMP-compliant production; develops new radiopharmaceuticals "
        "(PSMA-1007, with the HZDR).",
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
        "description": "Contract research organisation: clinical trials and regulatory services.",
        "capabilities": ["contract-research", "clinical-trials", "regulatory-services"],
    },
    {
        "slug": "cup-laboratorien",
        "name": "CUP Laboratorien Dr. Freitag GmbH",
        "kind": "company",
        "location": "Radeberg",
        "description": "Radiopharmaceutical analytics: sterility testing, HPLC and particle "
        "analyses.",
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
        "description": "Handling, recycling and transport of radioactive substances in Germany "
        "and abroad.",
        "capabilities": ["radioactive-handling", "radioactive-recycling", "radioactive-transport"],
    },
    {
        "slug": "hzdr",
        "name": "Helmholtz-Zentrum Dresden-Rossendorf (HZDR)",
        "kind": "research",
        "location": "Dresden-Rossendorf",
        "description": "Research on diagnostic and therapeutic radiopharmaceuticals, PET imaging "
        "algorithms and radio-immunotherapeutics.",
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
        "description": "Custom-made hot cells and in-cell equipment.",
        "capabilities": ["hot-cells", "in-cell-equipment"],
    },
    {
        "slug": "mdg",
        "name": "MDG Molecular Diagnostics Group GmbH (Biotype, qualitype, ROTOP)",
        "kind": "network",
        "location": "Dresden-Hellerau",
        "description": "Competence network: molecular diagnostic test systems (Biotype) and "
        "software for digital laboratory processes (qualitype).",
        "capabilities": ["molecular-diagnostics", "laboratory-software"],
    },
    {
        "slug": "rotop",
        "name": "ROTOP Pharmaka GmbH",
        "kind": "company",
        "location": "Dresden-Rossendorf",
        "description": "Manufacturer of radiopharmaceuticals, including an iodine-123 compound for "
        "Parkinson diagnostics and a product for PSMA-based prostate-cancer diagnostics.",
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
        "description": "Start-up developing biomarkers and theranostics for pancreatic cancer.",
        "capabilities": ["biomarkers", "theranostics"],
    },
]

EVENTS = [
    {
        "slug": "eanm-2025-lunch",
        "title": "Lunch event at the EANM 2025",
        "starts_on": date(2025, 10, 6),
        "ends_on": date(2025, 10, 6),
        "city": "Barcelona",
        "country": "ES",
        "timezone": "Europe/Madrid",
        "description": "Meet the nukliD Radiopharmacy Cluster Dresden over lunch at the annual "
        "congress of the European Association of Nuclear Medicine.",
    },
    {
        "slug": "hi-tech-meets-life-sciences-2025",
        "title": "Hi-Tech meets Life Sciences Forum Radiopharmacy in Saxony",
        "starts_on": date(2025, 10, 28),
        "ends_on": date(2025, 10, 29),
        "city": "Dresden",
        "country": "DE",
        "timezone": "Europe/Berlin",
        "description": "Two days on radiopharmacy in Saxony with the partners of the cluster.",
    },
    {
        "slug": "german-biotech-days-2026",
        "title": "German Biotech Days",
        "starts_on": date(2026, 4, 21),
        "ends_on": date(2026, 4, 22),
        "city": "Leipzig",
        "country": "DE",
        "timezone": "Europe/Berlin",
        "description": "The nukliD cluster at Germany's meeting of the biotech industry.",
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
        "journey": [
            ("qualified", 400, ""),
            ("active", 330, ""),
            ("site_visit", 280, ""),
            ("decision", 200, ""),
            ("landed", 90, ""),
        ],
        "verified": "Trade register entry HRB 99999 (fictional)",
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
]

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
    "title": "DEMO: Sample site tour Dresden-Rossendorf",
    "city": "Dresden",
    "country": "DE",
    "timezone": "Europe/Berlin",
    "venue": "Dresden-Rossendorf industrial park (fictional sample event)",
    "capacity": 20,
    "description": "A fictional sample event for trying registration end to end. "
    "It is not a real event of the cluster.",
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
    "title": "DEMO: Sample hot-cell workshop (fully booked)",
    "city": "Dresden",
    "country": "DE",
    "timezone": "Europe/Berlin",
    "venue": "Fictional lab, Dresden-Rossendorf",
    "capacity": 3,
    "description": "A fictional small workshop that is fully booked, with a waiting list.",
}

DEMO_PAST_EVENT = {
    "slug": "demo-partner-lunch",
    "title": "DEMO: Sample partner lunch (past)",
    "city": "Dresden",
    "country": "DE",
    "timezone": "Europe/Berlin",
    "venue": "Fictional venue",
    "capacity": 30,
    "description": "A fictional past event, so that check-in, no-shows and sent mail can be seen.",
}

DEMO_DRAFT_EVENT = {
    "slug": "demo-isotope-night",
    "title": "DEMO: Isotope night (draft)",
    "city": "Dresden",
    "country": "DE",
    "timezone": "Europe/Berlin",
    "capacity": 50,
    "description": "A fictional event still being planned: not public yet.",
}
