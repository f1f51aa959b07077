"""The cluster as the nukliD article describes it: partners, their capabilities, the events."""

from datetime import date

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

DEMO_COMPANIES = [
    {
        "name": "Demo: Nordlicht Isotopes AB",
        "domain": "nordlicht-isotopes.example",
        "country": "SE",
        "city": "Uppsala",
        "sector": "Radiopharmaceutical manufacturing",
        "needs": ["gmp-production", "sterility-testing", "hot-cells"],
    },
    {
        "name": "Demo: Atlantic Theranostics Inc.",
        "domain": "atlantic-theranostics.example",
        "country": "US",
        "city": "Boston",
        "sector": "Theranostics",
        "needs": ["clinical-trials", "regulatory-services", "radioactive-transport"],
    },
    {
        "name": "Demo: Alpenglow Diagnostics GmbH",
        "domain": "alpenglow-diagnostics.example",
        "country": "AT",
        "city": "Innsbruck",
        "sector": "Molecular diagnostics",
        "needs": ["laboratory-software", "hplc"],
    },
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
}
