"""Hand-curated knowledge for tools/gen_rules.py, each piece with its source.

Sources named here:
  overview   shared/seed/osteopetrosis-overview.txt (the page the project started from)
  classes    shared/reference/classes.md (ids, genes, inheritance, onset, prevalence with their sources)
  HPO        Human Phenotype Ontology release 2025-01-16 (hpo.jax.org): hp.obo, phenotype.hpoa,
             genes_to_phenotype.txt
  estimate   a documented judgement where no source gives a number; kept coarse on purpose
"""

# ----------------------------------------------------------------------------- diagnoses
# `entries`: every OMIM/Orphanet entry of the diagnosis (also written to data/disease-map.tsv).
# `group`: the Orphanet group entry whose frequencies are used first.
# `shares`: weight of each subtype entry = its share of the diagnosis's cases; used when the group
# gives no frequency (sum of share x frequency; shares not covered count as lacking the annotation).

DIAGNOSES = {
    "infantile": {
        "name": "Infantile malignant osteopetrosis (autosomal recessive)",
        "synonyms": ["malignant infantile osteopetrosis", "autosomal recessive osteopetrosis",
                     "autosomal recessive malignant osteopetrosis", "ARO", "MIOP"],
        "inheritance": "autosomal_recessive",
        "onset": "birth to first year; untreated, death in the first decade (overview)",
        "prevalence": 4.0e-6,
        "prevalence_source": "overview: 1 in 250,000 births (classes.md)",
        "group": "ORPHA:667",
        "entries": ["ORPHA:667", "OMIM:259700", "OMIM:611490", "OMIM:612301", "OMIM:615085", "OMIM:259720",
                    "ORPHA:85179", "OMIM:617306"],
        "shares": {
            "OMIM:259700": (0.5, "OPTB1, TCIRG1: about 50% of ARO (overview)"),
            "OMIM:611490": (0.12, "OPTB4, CLCN7 biallelic: 10-15% of ARO (overview)"),
            "OMIM:259720": (0.05, "OPTB5, OSTM1, with neurodegeneration: estimate (a few % of ARO)"),
            "OMIM:612301": (0.04, "OPTB7, TNFRSF11A (RANK), osteoclast-poor: estimate"),
            "OMIM:615085": (0.04, "OPTB8, SNX10: estimate"),
            "ORPHA:85179": (0.02, "infantile osteopetrosis with neuroaxonal dysplasia (OSTM1/CLCN7 overlap): estimate"),
            "OMIM:617306": (0.005, "COMMAD, MITF biallelic, 2 reported patients: estimate"),
        },
        "notes": [
            "OMIM:617306 (COMMAD, biallelic MITF) is grouped here: congenital-onset recessive osteopetrosis with",
            "macrocephaly and deafness (HPO onset: congenital); its share is tiny so its eye/pigment signs only reach the 0.02 floor.",
            "OMIM:620366 (OPTB9, SLC4A2) is NOT grouped here but under intermediate: HPO annotates adult onset,",
            "anaemia and fractures without marrow failure, i.e. the milder recessive course.",
        ],
        "genes": [
            {"symbol": "TCIRG1", "zygosity": "biallelic", "fraction": 0.5,
             "source": "overview: about 50% of autosomal recessive osteopetrosis (OMIM:259700 in HPO genes_to_phenotype)"},
            {"symbol": "CLCN7", "zygosity": "biallelic", "fraction": 0.12,
             "source": "overview: 10-15% of autosomal recessive osteopetrosis (OMIM:611490)"},
            {"symbol": "OSTM1", "zygosity": "biallelic", "fraction": 0.05,
             "source": "HPO genes_to_phenotype OMIM:259720; share is an estimate"},
            {"symbol": "SNX10", "zygosity": "biallelic", "fraction": 0.04,
             "source": "HPO genes_to_phenotype OMIM:615085; share is an estimate"},
            {"symbol": "TNFRSF11A", "zygosity": "biallelic", "fraction": 0.04,
             "source": "HPO genes_to_phenotype OMIM:612301; share is an estimate"},
            {"symbol": "TNFSF11", "zygosity": "biallelic", "fraction": 0.01, "not_in_hpo_ok": True,
             "source": "classes.md lists it for ARO; HPO links it to OMIM:259710 (grouped under intermediate); rare: estimate"},
            {"symbol": "MITF", "zygosity": "biallelic", "fraction": 0.005,
             "source": "HPO genes_to_phenotype OMIM:617306 (COMMAD); 2 patients: estimate"},
        ],
    },
    "adult": {
        "name": "Autosomal dominant osteopetrosis (adult type, Albers-Schönberg disease)",
        "synonyms": ["adult osteopetrosis", "autosomal dominant osteopetrosis", "ADO", "ADO2",
                     "Albers-Schönberg disease", "Albers-Schonberg disease", "marble bone disease",
                     "benign osteopetrosis"],
        "inheritance": "autosomal_dominant",
        "onset": "late childhood, adolescence or adulthood; often found by chance (overview; HPO juvenile onset)",
        "prevalence": 5.0e-5,
        "prevalence_source": "overview: about 1 in 20,000 people (classes.md)",
        "group": "ORPHA:53",
        "entries": ["ORPHA:53", "OMIM:166600", "OMIM:607634", "OMIM:618107"],
        "shares": {
            "OMIM:166600": (0.7, "OPTA2, CLCN7 heterozygous: the most common AD form (overview); estimate 0.7"),
            "OMIM:607634": (0.15, "OPTA1, LRP5 high bone mass: estimate"),
            "OMIM:618107": (0.02, "OPTA3, PLEKHM1, one family: estimate"),
        },
        "genes": [
            {"symbol": "CLCN7", "zygosity": "heterozygous", "fraction": 0.7,
             "source": "overview: the most common AD osteopetrosis is CLCN7 (OMIM:166600); 0.7 is an estimate"},
            {"symbol": "LRP5", "zygosity": "heterozygous", "fraction": 0.15,
             "source": "HPO genes_to_phenotype OMIM:607634 (OPTA1); share is an estimate"},
            {"symbol": "PLEKHM1", "zygosity": "heterozygous", "fraction": 0.02,
             "source": "HPO genes_to_phenotype OMIM:618107 (OPTA3); share is an estimate"},
        ],
    },
    "intermediate": {
        "name": "Intermediate autosomal recessive osteopetrosis",
        "synonyms": ["intermediate osteopetrosis", "IARO", "autosomal recessive osteopetrosis, intermediate form",
                     "osteopetrosis with renal tubular acidosis", "carbonic anhydrase II deficiency"],
        "inheritance": "autosomal_recessive",
        "onset": "childhood; severity varies (overview); recessive (classes.md), occasionally dominant-like (overview)",
        "prevalence": 1.0e-6,
        "prevalence_source": "classes.md: Orphanet lists it under 1 in 1,000,000; 1e-6 taken as the upper bound",
        "group": "ORPHA:210110",
        "entries": ["ORPHA:210110", "OMIM:259710", "OMIM:259730", "ORPHA:2785", "OMIM:611497", "OMIM:620366"],
        "shares": {
            "OMIM:259730": (0.125, "OPTB3, CA2 with renal tubular acidosis: CA2 ~0.25 split with ORPHA:2785 (same disease); estimate"),
            "ORPHA:2785": (0.125, "osteopetrosis with renal tubular acidosis (CA2): see OMIM:259730; estimate"),
            "OMIM:259710": (0.1, "OPTB2, TNFSF11 (RANKL), osteoclast-poor: estimate"),
            "OMIM:611497": (0.05, "OPTB6, PLEKHM1: estimate"),
            "OMIM:620366": (0.02, "OPTB9, SLC4A2, adult onset in HPO: estimate"),
        },
        "notes": [
            "About half of intermediate cases (CLCN7 biallelic or dominant-like, TCIRG1) have no OMIM entry of their own;",
            "their share counts as lacking an annotation when the Orphanet group gives no frequency.",
            "OMIM:620366 (OPTB9, SLC4A2) is grouped here (adult onset, anaemia, fractures, no marrow failure in HPO).",
        ],
        "genes": [
            {"symbol": "CLCN7", "zygosity": "any", "fraction": 0.3, "not_in_hpo_ok": True,
             "source": "classes.md / overview: CLCN7 causes recessive (biallelic) and dominant-like intermediate forms; "
                       "one entry with zygosity any because a diagnosis lists a gene once; share is an estimate"},
            {"symbol": "CA2", "zygosity": "biallelic", "fraction": 0.25,
             "source": "HPO genes_to_phenotype OMIM:259730 (OPTB3); share is an estimate"},
            {"symbol": "TNFSF11", "zygosity": "biallelic", "fraction": 0.1,
             "source": "HPO genes_to_phenotype OMIM:259710 (OPTB2); share is an estimate"},
            {"symbol": "PLEKHM1", "zygosity": "biallelic", "fraction": 0.05,
             "source": "HPO genes_to_phenotype OMIM:611497 (OPTB6); share is an estimate"},
            {"symbol": "TCIRG1", "zygosity": "biallelic", "fraction": 0.05, "not_in_hpo_ok": True,
             "source": "classes.md lists TCIRG1 for the intermediate form (hypomorphic alleles); share is an estimate"},
            {"symbol": "SLC4A2", "zygosity": "biallelic", "fraction": 0.02,
             "source": "HPO genes_to_phenotype OMIM:620366 (OPTB9); share is an estimate"},
        ],
    },
    "x_linked": {
        "name": "X-linked osteopetrosis with lymphoedema, anhidrotic ectodermal dysplasia and immunodeficiency (OL-EDA-ID)",
        "synonyms": ["X-linked osteopetrosis", "X-linked recessive osteopetrosis", "OL-EDA-ID",
                     "osteopetrosis, lymphedema, anhidrotic ectodermal dysplasia, and immunodeficiency", "EDA-ID"],
        "inheritance": "x_linked_recessive",
        "onset": "infancy (classes.md); mainly males (overview)",
        "prevalence": 4.0e-6,
        "prevalence_source": "classes.md: EDA-ID as a whole about 1 in 250,000 (MedlinePlus); the osteopetrosis form is "
                             "only a handful of reported cases, so this prior is an upper bound",
        "group": "ORPHA:98813",
        "entries": ["OMIM:300291", "ORPHA:98813"],
        "shares": {
            "OMIM:300291": (1.0, "EDA-ID 1 (IKBKG), into which OMIM:300301 (OL-EDA-ID) was folded (classes.md)"),
        },
        "notes": [
            "The HPO entries describe EDA-ID as a whole; the bone phenotype of the osteopetrosis form is added by",
            "curated rules (overview: 'in addition to the common signs with osteopetrosis').",
        ],
        "genes": [
            {"symbol": "IKBKG", "zygosity": "any", "fraction": 1.0,
             "source": "overview: IKBKG causes X-linked osteopetrosis; HPO genes_to_phenotype OMIM:300291; hemizygous in "
                       "males, heterozygous in (rare, milder) females, hence zygosity any"},
        ],
    },
    "melorheostosis": {
        "name": "Melorheostosis",
        "synonyms": ["Leri disease", "flowing hyperostosis", "candle-wax disease", "melorheostosis with osteopoikilosis"],
        "inheritance": "sporadic",
        "onset": "any age; often evident by 20; presenting age 2-64 years (classes.md)",
        "prevalence": 9.0e-7,
        "prevalence_source": "classes.md: about 0.9 per 1,000,000 (Jain et al., Orthopedics 2009); Orphanet under 1/1,000,000",
        "group": "ORPHA:2485",
        "entries": ["ORPHA:2485", "OMIM:155950", "ORPHA:1879"],
        "shares": {
            "OMIM:155950": (0.9, "isolated melorheostosis: estimate"),
            "ORPHA:1879": (0.1, "melorheostosis with osteopoikilosis (LEMD3): estimate"),
        },
        "genes": [
            {"symbol": "MAP2K1", "zygosity": "any", "fraction": 0.6,
             "source": "classes.md: somatic MAP2K1 in most lesions (Wordsworth & Chan, Calcif Tissue Int 2019); somatic, "
                       "so zygosity any; 0.6 is an estimate (found in lesion tissue, not blood)"},
            {"symbol": "LEMD3", "zygosity": "heterozygous", "fraction": 0.1, "not_in_hpo_ok": True,
             "source": "classes.md: LEMD3 when with osteopoikilosis (ORPHA:1879); share is an estimate"},
        ],
    },
    "osteopoikilosis": {
        "name": "Osteopoikilosis (including Buschke-Ollendorff syndrome)",
        "synonyms": ["osteopathia condensans disseminata", "spotted bones", "Buschke-Ollendorff syndrome",
                     "isolated osteopoikilosis", "dermatoosteopoikilosis"],
        "inheritance": "autosomal_dominant",
        "onset": "lesions from childhood, usually found incidentally in adults (classes.md)",
        "prevalence": 2.0e-5,
        "prevalence_source": "classes.md: about 1 in 50,000 (older radiographic review cited in CMAJ 2011;183:456)",
        "group": "ORPHA:166119",
        "entries": ["ORPHA:166119", "OMIM:166700", "OMIM:166705"],
        "shares": {
            "OMIM:166700": (0.9, "Buschke-Ollendorff syndrome / LEMD3 osteopoikilosis: estimate"),
            "OMIM:166705": (0.02, "osteopoikilosis and dacryocystitis, one family: estimate"),
        },
        "genes": [
            {"symbol": "LEMD3", "zygosity": "heterozygous", "fraction": 0.9,
             "source": "classes.md (LEMD3 heterozygous); HPO genes_to_phenotype OMIM:166700; 0.9 is an estimate"},
        ],
    },
    "osteogenesis_imperfecta": {
        "name": "Osteogenesis imperfecta",
        "synonyms": ["brittle bone disease", "OI", "Lobstein disease", "fragilitas ossium"],
        "inheritance": "mixed",
        "onset": "birth to childhood; prenatal fractures in type II (classes.md)",
        "prevalence": 6.667e-5,
        "prevalence_source": "classes.md: 1 in 10,000 to 1 in 20,000 births (Marini et al., Nat Rev Dis Primers 2017); "
                             "midpoint 1 in 15,000",
        "group": "ORPHA:666",
        "entries": ["ORPHA:666", "OMIM:166200", "OMIM:166210", "OMIM:259420", "OMIM:166220", "OMIM:610967",
                    "OMIM:613982", "OMIM:610682", "OMIM:610915", "OMIM:259440", "OMIM:613848", "OMIM:610968",
                    "OMIM:613849", "OMIM:614856", "OMIM:615066", "OMIM:615220", "OMIM:616229", "OMIM:616507",
                    "OMIM:617952", "OMIM:301014", "OMIM:618644", "OMIM:619131", "OMIM:619795", "OMIM:620639",
                    "OMIM:259410", "ORPHA:2772", "ORPHA:2773", "OMIM:619115", "OMIM:619120"],
        "shares": {
            "OMIM:166200": (0.45, "type I, COL1A1: estimate (COL1A1/COL1A2 types I-IV together 85-90%, classes.md)"),
            "OMIM:166210": (0.08, "type II, perinatal lethal: estimate"),
            "OMIM:259420": (0.12, "type III: estimate"),
            "OMIM:166220": (0.2, "type IV: estimate"),
            "OMIM:610967": (0.04, "type V, IFITM5: estimate"),
            "OMIM:613982": (0.01, "type VI, SERPINF1: estimate"),
            "OMIM:610682": (0.01, "type VII, CRTAP: estimate"),
            "OMIM:610915": (0.01, "type VIII, P3H1: estimate"),
            "OMIM:259440": (0.005, "type IX, PPIB: estimate"),
            "OMIM:613848": (0.003, "type X, SERPINH1: estimate"),
            "OMIM:610968": (0.005, "type XI, FKBP10: estimate"),
            "OMIM:613849": (0.002, "type XII, SP7: estimate"),
            "OMIM:614856": (0.003, "type XIII, BMP1: estimate"),
            "OMIM:615066": (0.005, "type XIV, TMEM38B: estimate"),
            "OMIM:615220": (0.005, "type XV, WNT1: estimate"),
            "OMIM:616229": (0.002, "type XVI, CREB3L1: estimate"),
            "OMIM:616507": (0.002, "type XVII, SPARC: estimate"),
            "OMIM:617952": (0.003, "type XVIII, TENT5A: estimate"),
            "OMIM:301014": (0.002, "type XIX, MBTPS2 (X-linked): estimate"),
            "OMIM:618644": (0.002, "type XX, MESD: estimate"),
            "OMIM:619131": (0.002, "type XXI, KDELR2: estimate"),
            "OMIM:619795": (0.001, "type XXII, CCDC134: estimate"),
            "OMIM:620639": (0.001, "type XXIII, PHLDB1: estimate"),
            "OMIM:259410": (0.001, "OI congenita with microcephaly and cataracts: estimate"),
            "ORPHA:2772": (0.001, "same syndrome as OMIM:259410 (Orphanet): estimate"),
            "ORPHA:2773": (0.001, "OI-retinopathy-seizures-intellectual disability: estimate"),
            "OMIM:619115": (0.002, "combined OI and EDS 1 (COL1A1): estimate"),
            "OMIM:619120": (0.002, "combined OI and EDS 2 (COL1A2): estimate"),
        },
        "genes": [
            {"symbol": "COL1A1", "zygosity": "heterozygous", "fraction": 0.6,
             "source": "classes.md: COL1A1 + COL1A2 about 85-90% of OI (Marini et al. 2017); split about 2:1: estimate"},
            {"symbol": "COL1A2", "zygosity": "heterozygous", "fraction": 0.27,
             "source": "classes.md: COL1A1 + COL1A2 about 85-90% of OI (Marini et al. 2017); split about 2:1: estimate"},
            {"symbol": "IFITM5", "zygosity": "heterozygous", "fraction": 0.04, "source": "HPO OMIM:610967 (type V); share estimate"},
            {"symbol": "SERPINF1", "zygosity": "biallelic", "fraction": 0.01, "source": "HPO OMIM:613982 (type VI); share estimate"},
            {"symbol": "CRTAP", "zygosity": "biallelic", "fraction": 0.01, "source": "HPO OMIM:610682 (type VII); share estimate"},
            {"symbol": "P3H1", "zygosity": "biallelic", "fraction": 0.01, "source": "HPO OMIM:610915 (type VIII); share estimate"},
            {"symbol": "PPIB", "zygosity": "biallelic", "fraction": 0.005, "source": "HPO OMIM:259440 (type IX); share estimate"},
            {"symbol": "SERPINH1", "zygosity": "biallelic", "fraction": 0.003, "source": "HPO OMIM:613848 (type X); share estimate"},
            {"symbol": "FKBP10", "zygosity": "biallelic", "fraction": 0.005, "source": "HPO OMIM:610968 (type XI); share estimate"},
            {"symbol": "SP7", "zygosity": "biallelic", "fraction": 0.002, "source": "HPO OMIM:613849 (type XII); share estimate"},
            {"symbol": "BMP1", "zygosity": "biallelic", "fraction": 0.003, "source": "HPO OMIM:614856 (type XIII); share estimate"},
            {"symbol": "TMEM38B", "zygosity": "biallelic", "fraction": 0.005, "source": "HPO OMIM:615066 (type XIV); share estimate"},
            {"symbol": "WNT1", "zygosity": "biallelic", "fraction": 0.005, "source": "HPO OMIM:615220 (type XV); share estimate"},
            {"symbol": "CREB3L1", "zygosity": "biallelic", "fraction": 0.002, "source": "HPO OMIM:616229 (type XVI); share estimate"},
            {"symbol": "SPARC", "zygosity": "biallelic", "fraction": 0.002, "source": "HPO OMIM:616507 (type XVII); share estimate"},
            {"symbol": "TENT5A", "zygosity": "biallelic", "fraction": 0.003, "source": "HPO OMIM:617952 (type XVIII); share estimate"},
            {"symbol": "MBTPS2", "zygosity": "hemizygous", "fraction": 0.002, "source": "HPO OMIM:301014 (type XIX, X-linked); share estimate"},
            {"symbol": "MESD", "zygosity": "biallelic", "fraction": 0.002, "source": "HPO OMIM:618644 (type XX); share estimate"},
            {"symbol": "KDELR2", "zygosity": "biallelic", "fraction": 0.002, "source": "HPO OMIM:619131 (type XXI); share estimate"},
            {"symbol": "CCDC134", "zygosity": "biallelic", "fraction": 0.001, "source": "HPO OMIM:619795 (type XXII); share estimate"},
            {"symbol": "PHLDB1", "zygosity": "biallelic", "fraction": 0.001, "source": "HPO OMIM:620639 (type XXIII); share estimate"},
        ],
    },
}

# Entries mapped in data/disease-map.tsv without being used for rules (none at present).
MAPPED_ONLY: dict[str, str] = {}

# ----------------------------------------------------------------------------- finding kinds

LAB_ROOTS = ["HP:0001871", "HP:0001939", "HP:0010701", "HP:0030327", "HP:0002715"]
IMAGING_ROOTS = ["HP:0004348", "HP:0011849", "HP:0000944", "HP:0100774", "HP:0003103", "HP:0032458"]
KIND_OVERRIDE = {
    "HP:0004618": "imaging", "HP:0004975": "imaging", "HP:0002645": "imaging", "HP:0002514": "imaging",
    "HP:0002119": "imaging", "HP:6000917": "imaging", "HP:0010739": "imaging", "HP:6000817": "imaging",
    "HP:0004437": "imaging", "HP:0005789": "imaging", "HP:0011002": "imaging",
    "HP:0002721": "phenotype",  # immunodeficiency: clinical, although under the immune-system branch
    "HP:0002718": "phenotype", "HP:0002205": "phenotype", "HP:0011274": "phenotype", "HP:0002960": "phenotype",
}

# Background floors (HPO id -> (minimum, reason)) where the HPO-computed value is an artefact of annotation
# granularity: other sclerosing disorders (pycnodysostosis, van Buchem, dysosteosclerosis, Camurati-Engelmann,
# osteosclerotic metaphyseal dysplasia, ...) are annotated with Increased bone mineral density or site-specific
# sclerosis terms rather than these; 39 of the 3,873 background diseases carry generalized/diffuse sclerosis,
# increased BMD or osteopetrosis terms and 115 any sclerosis/hyperostosis term (HPO 2025-01-16).
BACKGROUND_FLOOR = {
    "HP:0005789": (0.005, "half the background of Increased bone mineral density; other sclerosing dysplasias "
                          "are often generalised but annotated with other terms"),
    "HP:0011002": (0.003, "'osteopetrosis' as a radiological description also fits pycnodysostosis, "
                          "dysosteosclerosis and other sclerosing look-alikes (classes.md)"),
    "HP:0004618": (0.002, "sandwich vertebrae / rugger-jersey spine also occur in renal osteodystrophy and "
                          "other sclerosing disorders"),
}

# ----------------------------------------------------------------------------- context findings

_AGE_SRC = ("estimate: age at examination of patients with other skeletal disorders in case collections "
            "(mostly children); coarse")
_SEX_SRC = "estimate: half of patients with other skeletal disorders are male"
CONTEXT = [
    {"id": "onset_antenatal", "label": "Antenatal onset", "hpo": "HP:0030674", "kind": "onset",
     "synonyms": ["prenatal onset"]},
    {"id": "onset_congenital", "label": "Congenital onset", "hpo": "HP:0003577", "kind": "onset",
     "synonyms": ["present at birth"]},
    {"id": "onset_neonatal", "label": "Neonatal onset", "hpo": "HP:0003623", "kind": "onset"},
    {"id": "onset_infantile", "label": "Infantile onset", "hpo": "HP:0003593", "kind": "onset"},
    {"id": "onset_childhood", "label": "Childhood onset", "hpo": "HP:0011463", "kind": "onset"},
    {"id": "onset_juvenile", "label": "Juvenile onset", "hpo": "HP:0003621", "kind": "onset"},
    {"id": "onset_adult", "label": "Adult onset", "hpo": "HP:0003581", "kind": "onset"},
    {"id": "age_at_examination_infant", "label": "Age at examination under 1 year", "kind": "age",
     "background": 0.15, "background_source": _AGE_SRC},
    {"id": "age_at_examination_child", "label": "Age at examination 1 to under 10 years", "kind": "age",
     "background": 0.35, "background_source": _AGE_SRC},
    {"id": "age_at_examination_adolescent", "label": "Age at examination 10 to under 18 years", "kind": "age",
     "background": 0.2, "background_source": _AGE_SRC},
    {"id": "age_at_examination_adult", "label": "Age at examination 18 years or older", "kind": "age",
     "background": 0.3, "background_source": _AGE_SRC},
    {"id": "sex_male", "label": "Male", "kind": "sex", "background": 0.5, "background_source": _SEX_SRC},
    {"id": "sex_female", "label": "Female", "kind": "sex", "background": 0.5, "background_source": _SEX_SRC},
    {"id": "family_history_affected_parent", "label": "Affected parent", "kind": "history",
     "synonyms": ["affected father", "affected mother", "parent affected"]},
    {"id": "parental_consanguinity", "label": "Parental consanguinity", "kind": "history",
     "synonyms": ["consanguineous parents", "consanguinity"]},
    {"id": "family_history_affected_sibling", "label": "Affected sibling", "kind": "history",
     "synonyms": ["affected brother or sister", "sibling affected"]},
    {"id": "family_history_affected_maternal_male_relative", "label": "Affected maternal male relative",
     "kind": "history", "synonyms": ["affected maternal uncle", "affected brother (maternal line)"]},
]
CONTEXT_IDS = [c["id"] for c in CONTEXT]

# ----------------------------------------------------------------------------- curated findings
# HPO terms named by the overview / the brief (ids derived from the HPO label unless given), with the
# overview's wording as synonyms; then the findings HPO lacks (with parents and background estimates).

CURATED_FINDINGS = [
    # infantile list
    {"hpo": "HP:0000256", "id": "macrocephaly", "synonyms": ["Overly large head", "large head"]},
    {"hpo": "HP:0000238", "id": "hydrocephalus", "synonyms": ["accumulation of cerebrospinal fluid"]},
    {"hpo": "HP:0002119", "id": "ventriculomegaly",
     "synonyms": ["Abnormal growth of the cerebral spaces in the brain (ventricles)", "enlarged cerebral ventricles"]},
    {"hpo": "HP:0001105", "id": "retinal_atrophy"},
    {"hpo": "HP:0000316", "id": "hypertelorism", "synonyms": ["Wide-set eyes"]},
    {"hpo": "HP:0000520", "id": "proptosis", "synonyms": ["Bulging of the eyeball forward", "exophthalmos"]},
    {"hpo": "HP:0000486", "id": "strabismus", "synonyms": ["squint"]},
    {"hpo": "HP:0000639", "id": "nystagmus", "synonyms": ["Involuntary rhythmic eye movements"]},
    {"hpo": "HP:0000618", "id": "blindness"},
    {"hpo": "HP:0000365", "id": "hearing_impairment", "synonyms": ["hearing loss", "deafness"]},
    {"hpo": "HP:0000347", "id": "micrognathia", "synonyms": ["Abnormally small jaw"]},
    {"hpo": "HP:0012384", "id": "rhinitis",
     "synonyms": ["Inflammation and irritation of the nasal mucous membrane"]},
    {"hpo": "HP:0011968", "id": "feeding_difficulties", "synonyms": ["Difficulty in eating"]},
    {"hpo": "HP:0001510", "id": "growth_delay", "synonyms": ["growth retardation"]},
    {"hpo": "HP:0001433", "id": "hepatosplenomegaly", "synonyms": ["Liver and spleen swelling"]},
    {"hpo": "HP:0011001", "id": "increased_bone_mineral_density",
     "synonyms": ["Abnormal hardening of some bones", "generalised increase in bone density", "compact bone tissue",
                  "bone sclerosis", "excessive bone density"]},
    {"hpo": "HP:0005789", "id": "generalized_osteosclerosis", "synonyms": ["generalised osteosclerosis"]},
    {"hpo": "HP:0011002", "id": "osteopetrosis", "synonyms": ["marble bones", "stone bones"]},
    {"hpo": "HP:0003084", "id": "recurrent_long_bone_fractures", "synonyms": ["long bone fractures"]},
    {"hpo": "HP:0041159", "id": "fractured_rib", "synonyms": ["rib fracture"]},
    {"hpo": "HP:0006640", "id": "multiple_rib_fractures"},
    {"hpo": "HP:0020110", "id": "bone_fracture",
     "synonyms": ["fractures", "injuries to the musculoskeletal system"]},
    {"hpo": "HP:0002757", "id": "recurrent_fractures"},
    {"hpo": "HP:0002754", "id": "osteomyelitis"},
    {"hpo": "HP:0004437", "id": "cranial_hyperostosis",
     "synonyms": ["hyperostosis of the skull", "skull hyperostosis"]},
    {"hpo": "HP:0001293", "id": "cranial_nerve_compression", "synonyms": ["compression of the nerves"]},
    {"hpo": "HP:0006824", "id": "cranial_nerve_paralysis", "synonyms": ["cranial nerve dysfunction", "cranial nerve palsy"]},
    {"hpo": "HP:0002516", "id": "increased_intracranial_pressure",
     "synonyms": ["Increased pressure inside the skull", "raised intracranial pressure"]},
    {"hpo": "HP:0002180", "id": "neurodegeneration"},
    {"hpo": "HP:0032458", "id": "narrowing_of_medullary_canal",
     "synonyms": ["Reduced space of the bone marrow", "reduced bone marrow space"]},
    {"hpo": "HP:0001876", "id": "pancytopenia", "synonyms": ["Severe deficiency of all types of blood cells"]},
    {"hpo": "HP:0005528", "id": "bone_marrow_hypocellularity",
     "synonyms": ["low blood cell production", "bone marrow failure"]},
    # adult list
    {"hpo": "HP:0007626", "id": "mandibular_osteomyelitis",
     "synonyms": ["osteomyelitis of the jaw", "jaw osteomyelitis", "osteomyelitis of the lower jaw"]},
    {"hpo": "HP:0030757", "id": "tooth_abscess",
     "synonyms": ["dental abscess", "Pus-filled sacs in the tissues around the teeth"]},
    {"hpo": "HP:0001903", "id": "anemia", "synonyms": ["anaemia"]},
    {"hpo": "HP:0001978", "id": "extramedullary_hematopoiesis", "synonyms": ["extramedullary haematopoiesis"]},
    # intermediate list
    {"hpo": "HP:0002857", "id": "genu_valgum", "synonyms": ["Abnormally close knees", "knock knees"]},
    {"hpo": "HP:0003029", "id": "enlargement_of_the_ankles", "synonyms": ["Abnormally wide ankles", "wide ankles"]},
    {"hpo": "HP:0000648", "id": "optic_atrophy"},
    {"hpo": "HP:0000572", "id": "visual_loss", "synonyms": ["Loss of vision"]},
    {"hpo": "HP:0001324", "id": "muscle_weakness"},
    {"hpo": "HP:0000303", "id": "mandibular_prognathia", "synonyms": ["Mandibular prognathism"]},
    {"hpo": "HP:0000164", "id": "abnormality_of_the_dentition", "synonyms": ["Dental abnormalities"]},
    {"hpo": "HP:0006335", "id": "persistence_of_primary_teeth",
     "synonyms": ["Milk retention", "milk-tooth retention", "retained milk teeth"]},
    {"hpo": "HP:0006482", "id": "abnormal_dental_morphology",
     "synonyms": ["Deformity of the crown of the tooth", "dental crown deformity"]},
    {"hpo": "HP:0000670", "id": "carious_teeth", "synonyms": ["Dental caries", "caries"]},
    {"hpo": "HP:0010628", "id": "facial_palsy", "synonyms": ["Paralysis of the facial nerve", "facial nerve palsy"]},
    {"hpo": "HP:0001873", "id": "thrombocytopenia", "synonyms": ["Decreased platelet counts", "low platelets"]},
    # x-linked list
    {"hpo": "HP:0002721", "id": "immunodeficiency"},
    {"hpo": "HP:0001004", "id": "lymphedema",
     "synonyms": ["lymphoedema", "Fluid retention and localized tissue edema"]},
    {"hpo": "HP:0000968", "id": "ectodermal_dysplasia",
     "synonyms": ["Abnormalities in the hair, skin, nails, and sweat glands"]},
    # diagnostics (overview) and the radiological/lab vocabulary of the brief
    {"hpo": "HP:0020062", "id": "decreased_hemoglobin_concentration", "synonyms": ["low haemoglobin", "low hemoglobin"]},
    {"hpo": "HP:0020060", "id": "decreased_red_blood_cell_count",
     "synonyms": ["decrease in the number of erythrocytes", "low erythrocytes"]},
    {"hpo": "HP:0003236", "id": "elevated_circulating_creatine_kinase",
     "synonyms": ["increase in creatine kinase", "raised creatine kinase"]},
    {"hpo": "HP:0032233", "id": "increased_circulating_creatine_kinase_bb",
     "synonyms": ["raised CK-BB", "increased creatine kinase BB", "elevated brain-type creatine kinase"]},
    {"hpo": "HP:0003148", "id": "elevated_serum_acid_phosphatase"},
    {"hpo": "HP:0000944", "id": "abnormal_metaphysis_morphology",
     "synonyms": ["metaphyseal changes", "metaphyses injury"]},
    {"hpo": "HP:6000917", "id": "bone_marrow_edema", "synonyms": ["bone marrow oedema"]},
    {"hpo": "HP:0003330", "id": "abnormal_bone_structure"},
    {"hpo": "HP:0030327", "id": "abnormal_osteoclast_count"},
    {"hpo": "HP:0030328", "id": "decreased_osteoclast_count"},
    {"hpo": "HP:0004618", "id": "sandwich_appearance_of_vertebral_bodies",
     "synonyms": ["sandwich vertebrae", "rugger-jersey spine", "rugger jersey spine"]},
    {"hpo": "HP:0004975", "id": "erlenmeyer_flask_deformity_of_the_femurs",
     "synonyms": ["Erlenmeyer flask deformity"]},
    {"hpo": "HP:0004349", "id": "reduced_bone_mineral_density", "synonyms": ["reduced BMD", "low bone density"]},
    {"hpo": "HP:0000938", "id": "osteopenia"},
    {"hpo": "HP:0000939", "id": "osteoporosis"},
    {"hpo": "HP:0010739", "id": "osteopoikilosis",
     "synonyms": ["multiple sclerotic foci", "multiple symmetric sclerotic foci",
                  "multiple sclerotic lesions of the spongy bones", "spotted bones sign"]},
    {"hpo": "HP:6000817", "id": "melorheostosis",
     "synonyms": ["flowing candle-wax hyperostosis", "candle-wax hyperostosis", "flowing hyperostosis",
                  "dripping candle wax", "irregular growth of new bone tissue"]},
    {"hpo": "HP:0000592", "id": "blue_sclerae", "synonyms": ["blue sclera"]},
    {"hpo": "HP:0000703", "id": "dentinogenesis_imperfecta"},
    {"hpo": "HP:0002645", "id": "wormian_bones"},
    {"hpo": "HP:0001882", "id": "leukopenia", "synonyms": ["leucopenia"]},
    {"hpo": "HP:0001947", "id": "renal_tubular_acidosis"},
    {"hpo": "HP:0002514", "id": "cerebral_calcification"},
    # complications
    {"hpo": "HP:0001263", "id": "global_developmental_delay",
     "synonyms": ["Physical developmental delays", "developmental delay"]},
    {"hpo": "HP:0002808", "id": "kyphosis", "synonyms": ["hunchback", "hump in the thoracic region"]},
    {"hpo": "HP:0011024", "id": "abnormality_of_the_gastrointestinal_tract",
     "synonyms": ["gastrointestinal symptoms", "GI symptoms"]},
    # not in HPO 2025-01-16
    {"id": "bone_in_bone_appearance", "label": "Bone-in-bone appearance", "kind": "imaging",
     "synonyms": ["endobones", "endobone", "bone within a bone"],
     "parents": ["increased_bone_mineral_density"], "background": 0.004,
     "background_source": "estimate: radiological sign of osteopetrosis; among other skeletal disorders seen in a few "
                          "sclerosing dysplasias (e.g. dysosteosclerosis) and after bisphosphonates or lead; no HPO term"},
    {"id": "vertebral_osteomyelitis", "label": "Vertebral osteomyelitis", "kind": "phenotype",
     "synonyms": ["Lumbar vertebrae inflammation", "osteomyelitis of the lumbar vertebrae", "spondylitis"],
     "parents": ["osteomyelitis"], "background": 0.002,
     "background_source": "estimate: rare in other skeletal disorders; no HPO term (parent Osteomyelitis HP:0002754)"},
    {"id": "narrowed_haversian_canals", "label": "Narrowed Haversian canals", "kind": "imaging",
     "synonyms": ["narrow Haversian canals"], "parents": ["abnormal_bone_structure"], "background": 0.002,
     "background_source": "estimate: overview lists it as a radiographic/histological sign of osteopetrosis; no HPO term"},
    {"id": "increased_osteoclast_count", "label": "Increased osteoclast count", "kind": "laboratory",
     "synonyms": ["increased number of osteoclasts", "osteoclast-rich bone biopsy"],
     "parents": ["abnormal_osteoclast_count"], "background": 0.005,
     "background_source": "estimate: bone biopsy sign; also in Paget disease and hyperparathyroid bone disease; no HPO term"},
    {"id": "elevated_tartrate_resistant_acid_phosphatase",
     "label": "Elevated serum tartrate-resistant acid phosphatase", "kind": "laboratory",
     "synonyms": ["raised TRAP", "increased TRAP", "TRAP 5b elevated", "TRACP-5b elevated",
                  "tartrate-resistant alkaline phosphatase",
                  "increase in tartrate-resistant alkaline phosphatase"],
     "parents": ["elevated_serum_acid_phosphatase"], "background": 0.003,
     "background_source": "estimate: osteoclast marker, raised in osteoclast-rich osteopetrosis and Gaucher disease; "
                          "the overview's 'tartrate-resistant alkaline phosphatase' is kept as a synonym; no HPO term"},
]

# ----------------------------------------------------------------------------- overview fixture
# (text, finding) per type; (text, finding, diagnoses) for the common/diagnostic/complication lists.

FIXTURE = {
    "infantile": [
        ("Overly large head (macrocephaly)", "macrocephaly"),
        ("Hydrocephalus -accumulation of cerebrospinal fluid (CSF)", "hydrocephalus"),
        ("Abnormal growth of the cerebral spaces in the brain (ventricles)", "ventriculomegaly"),
        ("Retinal atrophy", "retinal_atrophy"),
        ("Wide-set eyes (hypertelorism)", "hypertelorism"),
        ("Bulging of the eyeball forward (exophthalmos)", "proptosis"),
        ("Squint", "strabismus"),
        ("Involuntary rhythmic eye movements (nystagmus)", "nystagmus"),
        ("Blindness", "blindness"),
        ("Hearing loss", "hearing_impairment"),
        ("Abnormally small jaw (micrognathia)", "micrognathia"),
        ("Inflammation and irritation of the nasal mucous membrane (rhinitis)", "rhinitis"),
        ("Difficulty in eating", "feeding_difficulties"),
        ("growth retardation", "growth_delay"),
        ("Liver and spleen swelling (hepatosplenomegaly)", "hepatosplenomegaly"),
        ("Abnormal hardening of some bones (osteosclerosis)", "increased_bone_mineral_density"),
        ("Ribs and long bones fractures", "recurrent_long_bone_fractures"),
        ("Ribs and long bones fractures", "fractured_rib"),
        ("Lumbar vertebrae inflammation (osteomyelitis)", "vertebral_osteomyelitis"),
        ("Increased density of the bones (hyperostosis of the skull)", "cranial_hyperostosis"),
        ("leading to compression of the nerves", "cranial_nerve_compression"),
        ("Increased pressure inside the skull", "increased_intracranial_pressure"),
        ("Severe neurodegeneration symptoms in infants, which is a rare condition", "neurodegeneration"),
        ("Reduced space of the bone marrow", "narrowing_of_medullary_canal"),
        ("Severe deficiency of all types of blood cells (pancytopenia)", "pancytopenia"),
    ],
    "adult": [
        ("Osteosclerosis", "increased_bone_mineral_density"),
        ("osteomyelitis (especially of the jaw)", "mandibular_osteomyelitis"),
        ("osteomyelitis (especially of the jaw)", "osteomyelitis"),
        ("Hyperostosis of the skull.", "cranial_hyperostosis"),
        ("Pus-filled sacs in the tissues around the teeth (dental abscess)", "tooth_abscess"),
        ("Rhinitis", "rhinitis"),
        ("hepatosplenomegaly", "hepatosplenomegaly"),
        ("anemia", "anemia"),
        ("extramedullary hematopoiesis", "extramedullary_hematopoiesis"),
    ],
    "intermediate": [
        ("Abnormal hardening of some bones", "increased_bone_mineral_density"),
        ("Fractures", "bone_fracture"),
        ("Osteomyelitis, especially of the lower jaw", "mandibular_osteomyelitis"),
        ("Abnormally close knees", "genu_valgum"),
        ("Abnormally wide ankles", "enlargement_of_the_ankles"),
        ("Hyperostosis of the skull", "cranial_hyperostosis"),
        ("Optic atrophy", "optic_atrophy"),
        ("Loss of vision", "visual_loss"),
        ("Muscle weakness", "muscle_weakness"),
        ("rhinitis", "rhinitis"),
        ("Mandibular prognathism", "mandibular_prognathia"),
        ("Dental abnormalities", "abnormality_of_the_dentition"),
        ("Milk retention", "persistence_of_primary_teeth"),
        ("Deformity of the crown of the tooth", "abnormal_dental_morphology"),
        ("Dental caries", "carious_teeth"),
        ("Paralysis of the facial nerve", "facial_palsy"),
        ("Hepatosplenomegaly", "hepatosplenomegaly"),
        ("Anemia", "anemia"),
        ("Decreased platelet counts", "thrombocytopenia"),
    ],
    "x_linked": [
        ("Immunodeficiency", "immunodeficiency"),
        ("Fluid retention and localized tissue edema (lymphedema)", "lymphedema"),
        ("Abnormalities in the hair, skin, nails, and sweat glands (ectodermal dysplasia)", "ectodermal_dysplasia"),
    ],
    "common": [
        ("excessive bone density throughout the body", "increased_bone_mineral_density", ["infantile", "adult", "intermediate", "x_linked"]),
        ("fractures", "bone_fracture", ["infantile", "adult", "intermediate", "x_linked"]),
        ("low blood cell production", "bone_marrow_hypocellularity", ["infantile", "adult", "intermediate", "x_linked"]),
        ("cranial nerve dysfunction", "cranial_nerve_paralysis", ["infantile", "adult", "intermediate", "x_linked"]),
        ("blindness", "blindness", ["infantile", "adult", "intermediate", "x_linked"]),
        ("deafness", "hearing_impairment", ["infantile", "adult", "intermediate", "x_linked"]),
        ("facial nerve palsy", "facial_palsy", ["infantile", "adult", "intermediate", "x_linked"]),
        ("frequent infections of the teeth", "tooth_abscess", ["infantile", "adult", "intermediate", "x_linked"]),
        ("frequent infections of the jawbones", "mandibular_osteomyelitis", ["infantile", "adult", "intermediate", "x_linked"]),
    ],
    "diagnostics": [
        ("Blood test: severe anemia", "anemia", ["infantile", "adult", "intermediate"]),
        ("A decrease in the number of erythrocytes", "decreased_red_blood_cell_count", ["infantile", "intermediate"]),
        ("A decrease in ... hemoglobin", "decreased_hemoglobin_concentration", ["infantile", "intermediate"]),
        ("Biochemical research: an increase in creatine kinase", "elevated_circulating_creatine_kinase", ["adult"]),
        ("creatine kinase (BB isoenzyme)", "increased_circulating_creatine_kinase_bb", ["adult"]),
        ("tartrate-resistant alkaline phosphatase", "elevated_tartrate_resistant_acid_phosphatase", ["adult", "infantile"]),
        ("Radiography: compact bone tissue", "increased_bone_mineral_density", ["infantile", "adult", "intermediate"]),
        ("Radiography: narrowed Haversian canals", "narrowed_haversian_canals", ["infantile", "adult", "intermediate"]),
        ("Radiography: metaphyses (portions of long bones) injury", "abnormal_metaphysis_morphology", ["infantile", "adult", "intermediate"]),
        ("Radiography: bone-in-bone (endobones)", "bone_in_bone_appearance", ["infantile", "adult", "intermediate"]),
        ("Radiography: sandwich vertebrae (rugger-jersey spine)", "sandwich_appearance_of_vertebral_bodies", ["infantile", "adult", "intermediate"]),
        ("Radiography: Erlenmeyer flask deformity", "erlenmeyer_flask_deformity_of_the_femurs", ["infantile", "adult", "intermediate"]),
        ("Bone biopsy: number of osteoclasts", "increased_osteoclast_count", ["infantile", "adult"]),
        ("CT / MRI: bone sclerosis", "generalized_osteosclerosis", ["infantile", "adult", "intermediate"]),
        ("CT / MRI: bone marrow edema", "bone_marrow_edema", ["adult", "intermediate"]),
    ],
    "complications": [
        ("The injuries to the musculoskeletal system", "bone_fracture", ["infantile", "adult", "intermediate"]),
        ("Physical developmental delays", "global_developmental_delay", ["infantile", "intermediate"]),
        ("Postural syndrome - hump in the thoracic region (hunchback)", "kyphosis", ["infantile", "adult", "intermediate"]),
        ("gastrointestinal (GI) symptoms because of poor posture", "abnormality_of_the_gastrointestinal_tract", ["adult", "intermediate"]),
    ],
    "differentials": [
        ("Melorheostosis- irregular growth of new bone tissue", "melorheostosis", "melorheostosis"),
        ("Osteopoikilosis- the presence of multiple sclerotic lesions of the spongy bones", "osteopoikilosis", "osteopoikilosis"),
        ("Osteogenesis imperfecta- a genetic disorder that causes the imperfect bone formation", "osteogenesis_imperfecta",
         "reduced_bone_mineral_density"),
    ],
    "genes": [
        ("CLCN7", ["adult", "infantile"]),
        ("TCIRG1", ["infantile"]),
        ("IKBKG", ["x_linked"]),
    ],
}

# Estimates used when the overview lists a finding for a diagnosis and the HPO gives no frequency for it
# there (otherwise the HPO-derived rule stands and its source notes "overview lists it").
# Keyed (diagnosis, finding): (frequency, reason).
OVERVIEW_EST = {
    ("infantile", "macrocephaly"): (0.5, ""),
    ("infantile", "hydrocephalus"): (0.3, ""),
    ("infantile", "ventriculomegaly"): (0.3, ""),
    ("infantile", "retinal_atrophy"): (0.2, "retinal degeneration mainly in OSTM1/CLCN7 forms"),
    ("infantile", "hypertelorism"): (0.2, ""),
    ("infantile", "proptosis"): (0.3, ""),
    ("infantile", "strabismus"): (0.3, ""),
    ("infantile", "nystagmus"): (0.5, ""),
    ("infantile", "blindness"): (0.4, "ORPHA:667 gives visual impairment very frequent; blindness a subset"),
    ("infantile", "hearing_impairment"): (0.5, ""),
    ("infantile", "micrognathia"): (0.2, ""),
    ("infantile", "rhinitis"): (0.8, "ORPHA:667 gives chronic rhinitis (a child term) very frequent"),
    ("infantile", "feeding_difficulties"): (0.4, ""),
    ("infantile", "growth_delay"): (0.7, ""),
    ("infantile", "hepatosplenomegaly"): (0.8, "ORPHA:667 gives hepatomegaly and splenomegaly very frequent"),
    ("infantile", "increased_bone_mineral_density"): (0.95, "defining sign; ORPHA:667 osteopetrosis very frequent"),
    ("infantile", "recurrent_long_bone_fractures"): (0.4, "ORPHA:667 recurrent fractures very frequent"),
    ("infantile", "fractured_rib"): (0.2, ""),
    ("infantile", "vertebral_osteomyelitis"): (0.05, "rare; no HPO term"),
    ("infantile", "cranial_hyperostosis"): (0.5, ""),
    ("infantile", "cranial_nerve_compression"): (0.6, "ORPHA:667 optic nerve compression (a child term) very frequent"),
    ("infantile", "increased_intracranial_pressure"): (0.2, ""),
    ("infantile", "neurodegeneration"): (0.08, "overview: 'a rare condition' (OSTM1, some CLCN7)"),
    ("infantile", "narrowing_of_medullary_canal"): (0.8, "marrow space reduction underlies the marrow failure"),
    ("infantile", "pancytopenia"): (0.6, ""),
    ("adult", "increased_bone_mineral_density"): (0.95, "defining sign; ORPHA:53 generalized osteosclerosis very frequent"),
    ("adult", "mandibular_osteomyelitis"): (0.1, ""),
    ("adult", "osteomyelitis"): (0.1, ""),
    ("adult", "cranial_hyperostosis"): (0.5, ""),
    ("adult", "tooth_abscess"): (0.17, ""),
    ("adult", "rhinitis"): (0.05, "rare in the adult form: estimate"),
    ("adult", "hepatosplenomegaly"): (0.03, "marrow failure is rare in ADO2: estimate"),
    ("adult", "anemia"): (0.1, ""),
    ("adult", "extramedullary_hematopoiesis"): (0.03, "rare in ADO2: estimate"),
    ("intermediate", "increased_bone_mineral_density"): (0.95, "defining sign"),
    ("intermediate", "bone_fracture"): (0.6, "ORPHA:210110 recurrent fractures frequent"),
    ("intermediate", "mandibular_osteomyelitis"): (0.1, ""),
    ("intermediate", "genu_valgum"): (0.2, ""),
    ("intermediate", "enlargement_of_the_ankles"): (0.1, ""),
    ("intermediate", "cranial_hyperostosis"): (0.4, ""),
    ("intermediate", "optic_atrophy"): (0.1, ""),
    ("intermediate", "visual_loss"): (0.1, ""),
    ("intermediate", "muscle_weakness"): (0.1, ""),
    ("intermediate", "rhinitis"): (0.1, ""),
    ("intermediate", "mandibular_prognathia"): (0.1, ""),
    ("intermediate", "abnormality_of_the_dentition"): (0.3, ""),
    ("intermediate", "persistence_of_primary_teeth"): (0.1, ""),
    ("intermediate", "abnormal_dental_morphology"): (0.1, ""),
    ("intermediate", "carious_teeth"): (0.2, ""),
    ("intermediate", "facial_palsy"): (0.1, ""),
    ("intermediate", "hepatosplenomegaly"): (0.1, ""),
    ("intermediate", "anemia"): (0.3, ""),
    ("intermediate", "thrombocytopenia"): (0.08, "ORPHA:210110 says NOT; see the curated override"),
    ("x_linked", "immunodeficiency"): (0.95, "defining feature of EDA-ID"),
    ("x_linked", "lymphedema"): (0.8, "defining feature of OL-EDA-ID (classes.md)"),
    ("x_linked", "ectodermal_dysplasia"): (0.9, ""),
    # common signs (overview: 'Common symptoms include ...'); x_linked: 'in addition to the common signs'
    ("infantile", "bone_fracture"): (0.6, ""),
    ("adult", "bone_fracture"): (0.5, ""),
    ("x_linked", "bone_fracture"): (0.3, "few reported cases: estimate"),
    ("x_linked", "increased_bone_mineral_density"): (0.9, "the class is the osteopetrosis form of EDA-ID; HPO entries lack the bone phenotype"),
    ("infantile", "bone_marrow_hypocellularity"): (0.6, ""),
    ("adult", "bone_marrow_hypocellularity"): (0.05, ""),
    ("intermediate", "bone_marrow_hypocellularity"): (0.1, ""),
    ("x_linked", "bone_marrow_hypocellularity"): (0.2, "few reported cases: estimate"),
    ("infantile", "cranial_nerve_paralysis"): (0.3, ""),
    ("adult", "cranial_nerve_paralysis"): (0.15, ""),
    ("intermediate", "cranial_nerve_paralysis"): (0.15, ""),
    ("x_linked", "cranial_nerve_paralysis"): (0.1, "few reported cases: estimate"),
    ("adult", "blindness"): (0.05, ""),
    ("intermediate", "blindness"): (0.05, ""),
    ("x_linked", "blindness"): (0.05, "few reported cases: estimate"),
    ("adult", "hearing_impairment"): (0.15, ""),
    ("intermediate", "hearing_impairment"): (0.1, ""),
    ("x_linked", "hearing_impairment"): (0.1, "few reported cases: estimate"),
    ("infantile", "facial_palsy"): (0.1, ""),
    ("adult", "facial_palsy"): (0.15, ""),
    ("x_linked", "facial_palsy"): (0.05, "few reported cases: estimate"),
    ("infantile", "tooth_abscess"): (0.05, ""),
    ("intermediate", "tooth_abscess"): (0.1, ""),
    ("x_linked", "tooth_abscess"): (0.05, "few reported cases: estimate"),
    ("infantile", "mandibular_osteomyelitis"): (0.05, ""),
    ("x_linked", "mandibular_osteomyelitis"): (0.05, "few reported cases: estimate"),
    # diagnostics
    ("infantile", "anemia"): (0.9, ""),
    ("infantile", "decreased_red_blood_cell_count"): (0.85, "overview: severe anaemia in the severe forms"),
    ("infantile", "decreased_hemoglobin_concentration"): (0.85, "overview: severe anaemia in the severe forms"),
    ("intermediate", "decreased_red_blood_cell_count"): (0.3, "follows the anaemia frequency"),
    ("intermediate", "decreased_hemoglobin_concentration"): (0.3, "follows the anaemia frequency"),
    ("adult", "elevated_circulating_creatine_kinase"): (0.6, "overview: CK raised in the AD form (the BB isoenzyme)"),
    ("adult", "increased_circulating_creatine_kinase_bb"): (0.6, "overview: CK raised in the AD form; CK-BB is the osteoclast isoenzyme"),
    ("adult", "elevated_tartrate_resistant_acid_phosphatase"): (0.6, "overview (as 'tartrate-resistant alkaline phosphatase')"),
    ("infantile", "elevated_tartrate_resistant_acid_phosphatase"): (0.4, "osteoclast-rich forms (TCIRG1, CLCN7): estimate"),
    ("infantile", "narrowed_haversian_canals"): (0.3, "histological/radiographic sign (overview): estimate"),
    ("adult", "narrowed_haversian_canals"): (0.3, "histological/radiographic sign (overview): estimate"),
    ("intermediate", "narrowed_haversian_canals"): (0.3, "histological/radiographic sign (overview): estimate"),
    ("infantile", "abnormal_metaphysis_morphology"): (0.9, ""),
    ("adult", "abnormal_metaphysis_morphology"): (0.5, ""),
    ("intermediate", "abnormal_metaphysis_morphology"): (0.5, "metaphyseal changes (overview): estimate"),
    ("infantile", "bone_in_bone_appearance"): (0.6, ""),
    ("adult", "bone_in_bone_appearance"): (0.6, ""),
    ("intermediate", "bone_in_bone_appearance"): (0.5, ""),
    ("infantile", "sandwich_appearance_of_vertebral_bodies"): (0.4, ""),
    ("adult", "sandwich_appearance_of_vertebral_bodies"): (0.85, "ADO2 hallmark; OMIM:166600 annotates abnormality of the vertebral endplates"),
    ("intermediate", "sandwich_appearance_of_vertebral_bodies"): (0.55, ""),
    ("infantile", "erlenmeyer_flask_deformity_of_the_femurs"): (0.4, ""),
    ("adult", "erlenmeyer_flask_deformity_of_the_femurs"): (0.3, ""),
    ("intermediate", "erlenmeyer_flask_deformity_of_the_femurs"): (0.55, ""),
    ("infantile", "increased_osteoclast_count"): (0.5, "osteoclast-rich forms (TCIRG1, CLCN7, about 60% of ARO)"),
    ("adult", "increased_osteoclast_count"): (0.5, "ADO2: numerous (often large) osteoclasts: estimate"),
    ("infantile", "generalized_osteosclerosis"): (0.9, ""),
    ("adult", "generalized_osteosclerosis"): (0.9, ""),
    ("intermediate", "generalized_osteosclerosis"): (0.55, ""),
    ("adult", "bone_marrow_edema"): (0.1, "overview: CT/MRI detects marrow oedema; estimate"),
    ("intermediate", "bone_marrow_edema"): (0.1, "overview: CT/MRI detects marrow oedema; estimate"),
    # complications
    ("infantile", "global_developmental_delay"): (0.3, "OSTM1/CLCN7 neurodegeneration and severe illness: estimate"),
    ("intermediate", "global_developmental_delay"): (0.1, ""),
    ("infantile", "kyphosis"): (0.05, ""),
    ("adult", "kyphosis"): (0.1, ""),
    ("intermediate", "kyphosis"): (0.1, ""),
    ("adult", "abnormality_of_the_gastrointestinal_tract"): (0.05, ""),
    ("intermediate", "abnormality_of_the_gastrointestinal_tract"): (0.05, ""),
}


def _overview_rules():
    """Rules that make every overview item representable (mode add: HPO frequency wins when present)."""
    out = {}
    seen = set()

    def add(did, fid, text):
        if (did, fid) in seen:
            return
        seen.add((did, fid))
        freq, why = OVERVIEW_EST[(did, fid)]
        src = f"overview lists it ('{text}'); no HPO frequency for this diagnosis; estimate {freq}"
        if why:
            src += f" ({why})"
        out.setdefault(did, []).append(
            {"finding": fid, "frequency": freq, "source": src, "mode": "add", "note": "overview lists it"})

    for did in ("infantile", "adult", "intermediate", "x_linked"):
        for text, fid in FIXTURE[did]:
            add(did, fid, text)
    for sec in ("common", "diagnostics", "complications"):
        for text, fid, diags in FIXTURE[sec]:
            for did in diags:
                add(did, fid, text)
    return out


# ----------------------------------------------------------------------------- other curated rules
# mode: add (HPO rule wins if present; note appended), override (replaces the HPO-derived rule),
# note (keeps the HPO frequency, adds lr and the note; adds the rule if HPO has none).

_OSTEOPETROSES = ("infantile", "adult", "intermediate", "x_linked")
_LOWBMD = ("reduced_bone_mineral_density", "osteopenia", "osteoporosis")


def _ctx(did, table, src):
    return [{"finding": f, "frequency": v, "source": src, "mode": "override", **({"against": True} if a else {})}
            for f, v, a in table]


def _curated_rules():
    R = {d: [] for d in DIAGNOSES}
    # -- against: low bone density in the osteopetroses and the focal sclerosing dysplasias
    for did in _OSTEOPETROSES + ("melorheostosis", "osteopoikilosis"):
        for fid in _LOWBMD:
            freq = 0.02
            src = ("against: osteopetrosis is increased bone density (overview: 'an increase in bone density'; classes.md: "
                   "OI is the opposite in bone density)")
            if did in ("melorheostosis", "osteopoikilosis"):
                src = "against: sclerosing bone dysplasia, bone density increased or normal (classes.md); estimate 0.02"
            if did == "x_linked":
                freq = 0.05
                src += ("; 0.05 rather than 0.02 because ORPHA:98813 (EDA-ID as a whole) gives osteopenia occasional")
            R[did].append({"finding": fid, "frequency": freq, "against": True, "source": src, "mode": "override"})
    # -- against: increased density in OI
    for fid in ("increased_bone_mineral_density", "generalized_osteosclerosis", "osteopetrosis"):
        R["osteogenesis_imperfecta"].append(
            {"finding": fid, "frequency": 0.02, "against": True, "mode": "override",
             "source": "against: OI is low bone density (classes.md); high-bone-mass OI (COL1A1 C-propeptide) is rare; estimate 0.02"})
    # -- generalised sclerosis is not typical of the focal dysplasias: low frequency
    for did in ("melorheostosis", "osteopoikilosis"):
        for fid in ("generalized_osteosclerosis", "osteopetrosis", "bone_in_bone_appearance",
                    "sandwich_appearance_of_vertebral_bodies"):
            R[did].append({"finding": fid, "frequency": 0.03, "mode": "override", "max_lr": 0.5,
                           "source": "focal, not generalised sclerosis (classes.md): low frequency, estimate 0.03"})
    # melorheostosis: ORPHA:2485 cranial nerve paralysis 'very frequent' contradicts classes.md
    R["melorheostosis"].append(
        {"finding": "cranial_nerve_paralysis", "frequency": 0.05, "mode": "override",
         "source": "classes.md: no cranial nerve palsies in melorheostosis (skull rarely involved); ORPHA:2485 "
                   "annotates very frequent, judged a curation artefact; estimate 0.05"})
    # intermediate: overview lists decreased platelets, ORPHA:210110 says NOT thrombocytopenia
    R["intermediate"].append(
        {"finding": "thrombocytopenia", "frequency": 0.08, "mode": "override",
         "source": "ORPHA:210110 NOT thrombocytopenia, but the overview lists 'decreased platelet counts' for the "
                   "intermediate type; compromise: low frequency 0.08 (estimate), not against"})
    # -- explicit LRs for near-pathognomonic signs
    R["melorheostosis"] += [
        {"finding": "melorheostosis", "frequency": 0.95, "mode": "override",
         "source": "defining radiological sign (flowing 'candle-wax' hyperostosis; Orphanet ORPHA:2485 definition); "
                   "no explicit lr: frequency against the background already makes it decisive"},
        {"finding": "osteopoikilosis", "frequency": 0.1, "mode": "add",
         "source": "melorheostosis with osteopoikilosis (ORPHA:1879), share 0.1: estimate"},
    ]
    R["osteopoikilosis"] += [
        {"finding": "osteopoikilosis", "frequency": 0.95, "mode": "override",
         "source": "defining radiological sign (multiple symmetric periarticular sclerotic foci; ORPHA:166119); "
                   "no explicit lr: frequency against the background already makes it decisive"},
        {"finding": "melorheostosis", "frequency": 0.05, "mode": "override",
         "source": "OMIM:166700 lists melorheostosis without a frequency (0.5 by the default would make it the "
                   "usual form); it occurs in a minority of LEMD3 carriers, and melorheostosis with osteopoikilosis "
                   "is classed with melorheostosis (ORPHA:1879): estimate 0.05"},
    ]
    # -- focal sclerosis (spots, flowing hyperostosis) argues against the generalised osteopetroses and OI
    for did in _OSTEOPETROSES + ("osteogenesis_imperfecta",):
        for fid in ("melorheostosis", "osteopoikilosis"):
            R[did].append({"finding": fid, "frequency": 0.01, "against": True, "mode": "override",
                           "source": "against: melorheostosis and osteopoikilosis are focal sclerosing dysplasias, the "
                                     "osteopetroses generalised and OI osteopenic (classes.md); estimate 0.01"})
    R["osteogenesis_imperfecta"] += [
        {"finding": "blue_sclerae", "frequency": 0.55, "lr": 20.0, "mode": "note",
         "source": "lr 20: blue sclerae strongly suggest OI among skeletal disorders (classes.md); moderate cap"},
        {"finding": "dentinogenesis_imperfecta", "frequency": 0.55, "lr": 15.0, "mode": "note",
         "source": "lr 15: dentinogenesis imperfecta strongly suggests OI among skeletal disorders (classes.md); moderate cap"},
    ]
    for did, lr_biv, lr_sw in (("infantile", 15.0, 10.0), ("adult", 15.0, 20.0), ("intermediate", 15.0, 15.0)):
        R[did] += [
            {"finding": "bone_in_bone_appearance", "frequency": OVERVIEW_EST[(did, "bone_in_bone_appearance")][0],
             "lr": lr_biv, "mode": "note",
             "source": f"lr {lr_biv:g}: bone-in-bone (endobones) is a classic osteopetrosis sign, rare in other skeletal "
                       "disorders (background estimate 0.004); moderate cap"},
            {"finding": "sandwich_appearance_of_vertebral_bodies",
             "frequency": OVERVIEW_EST[(did, "sandwich_appearance_of_vertebral_bodies")][0], "lr": lr_sw, "mode": "note",
             "source": f"lr {lr_sw:g}: sandwich vertebrae / rugger-jersey spine, classic in ADO2 (brief), also seen in "
                       "renal osteodystrophy; moderate cap"},
        ]
    # x_linked: the osteopetrosis part of OL-EDA-ID (not in the EDA-ID annotations)
    R["x_linked"] += [
        {"finding": "osteopetrosis", "frequency": 0.9, "mode": "add",
         "source": "class = osteopetrosis form of EDA-ID (classes.md, overview); HPO entries lack it; estimate"},
        {"finding": "generalized_osteosclerosis", "frequency": 0.7, "mode": "add",
         "source": "class = osteopetrosis form of EDA-ID (classes.md, overview); HPO entries lack it; estimate"},
        {"finding": "bone_in_bone_appearance", "frequency": 0.3, "mode": "add",
         "source": "osteopetrosis sign, few reported cases: estimate"},
        {"finding": "anemia", "frequency": 0.3, "mode": "add",
         "source": "overview: common osteopetrosis signs include low blood cell production; estimate"},
    ]
    # extra lab/biopsy rules beyond the overview fixture
    R["infantile"] += [
        {"finding": "decreased_osteoclast_count", "frequency": 0.08, "mode": "add",
         "source": "osteoclast-poor ARO (TNFRSF11A, TNFSF11) about 5-10%: estimate"},
        {"finding": "increased_circulating_creatine_kinase_bb", "frequency": 0.4, "mode": "add",
         "source": "CK-BB is an osteoclast marker raised in osteoclast-rich osteopetrosis: estimate"},
        {"finding": "thrombocytopenia", "frequency": 0.6, "mode": "add",
         "source": "marrow failure in ARO (pancytopenia, overview): estimate"},
        {"finding": "leukopenia", "frequency": 0.3, "mode": "add",
         "source": "marrow failure in ARO (pancytopenia, overview): estimate"},
    ]
    R["intermediate"] += [
        {"finding": "decreased_osteoclast_count", "frequency": 0.1, "mode": "add",
         "source": "osteoclast-poor TNFSF11 form (OPTB2), share 0.1: estimate"},
        {"finding": "increased_osteoclast_count", "frequency": 0.3, "mode": "add",
         "source": "osteoclast-rich CLCN7/CA2/PLEKHM1 forms: estimate"},
    ]
    # -- context: onset
    onset_src = "onset distribution, estimate"
    R["infantile"] += _ctx("infantile", [
        ("onset_antenatal", 0.05, False), ("onset_congenital", 0.3, False), ("onset_neonatal", 0.25, False),
        ("onset_infantile", 0.35, False), ("onset_childhood", 0.04, False), ("onset_juvenile", 0.01, True),
        ("onset_adult", 0.01, True)], onset_src + " (overview: appears shortly after birth; HPO: neonatal/infantile)")
    R["adult"] += _ctx("adult", [
        ("onset_congenital", 0.01, True), ("onset_infantile", 0.03, False), ("onset_childhood", 0.2, False),
        ("onset_juvenile", 0.3, False), ("onset_adult", 0.46, False)],
        onset_src + " (overview: late childhood and adulthood; HPO OMIM:166600 juvenile onset)")
    R["intermediate"] += _ctx("intermediate", [
        ("onset_congenital", 0.03, False), ("onset_neonatal", 0.02, False), ("onset_infantile", 0.2, False),
        ("onset_childhood", 0.5, False), ("onset_juvenile", 0.15, False), ("onset_adult", 0.1, False)],
        onset_src + " (overview: usually occurs in children; HPO OMIM:620366 adult onset)")
    R["x_linked"] += _ctx("x_linked", [
        ("onset_congenital", 0.3, False), ("onset_neonatal", 0.2, False), ("onset_infantile", 0.45, False),
        ("onset_childhood", 0.05, False), ("onset_adult", 0.01, True)], onset_src + " (classes.md: infancy)")
    R["melorheostosis"] += _ctx("melorheostosis", [
        ("onset_congenital", 0.02, False), ("onset_infantile", 0.03, False), ("onset_childhood", 0.35, False),
        ("onset_juvenile", 0.25, False), ("onset_adult", 0.35, False)],
        onset_src + " (classes.md: any age, often evident by 20, presenting 2-64 years)")
    R["osteopoikilosis"] += _ctx("osteopoikilosis", [
        ("onset_congenital", 0.02, False), ("onset_infantile", 0.03, False), ("onset_childhood", 0.25, False),
        ("onset_juvenile", 0.2, False), ("onset_adult", 0.5, False)],
        onset_src + " (classes.md: lesions from childhood, usually found in adults; HPO OMIM:166700 congenital)")
    R["osteogenesis_imperfecta"] += _ctx("osteogenesis_imperfecta", [
        ("onset_antenatal", 0.15, False), ("onset_congenital", 0.35, False), ("onset_neonatal", 0.1, False),
        ("onset_infantile", 0.2, False), ("onset_childhood", 0.15, False), ("onset_juvenile", 0.04, False),
        ("onset_adult", 0.01, False)], onset_src + " (classes.md: birth to childhood, prenatal fractures in type II)")
    # -- context: age at examination
    age_src = "estimate of the age at examination"
    for did, (inf, ch, ado, adu), why in (
        ("infantile", (0.55, 0.35, 0.07, 0.03), "untreated patients rarely pass ten (overview)"),
        ("adult", (0.02, 0.13, 0.25, 0.6), "symptoms from late childhood/adulthood, often found by chance (overview)"),
        ("intermediate", (0.1, 0.5, 0.2, 0.2), "usually occurs in children (overview)"),
        ("x_linked", (0.5, 0.45, 0.04, 0.01), "severe, early deaths from infection (overview: conditions are severe)"),
        ("melorheostosis", (0.01, 0.14, 0.2, 0.65), "presenting age 2-64 years (classes.md)"),
        ("osteopoikilosis", (0.01, 0.1, 0.14, 0.75), "usually found incidentally in adults (classes.md)"),
        ("osteogenesis_imperfecta", (0.25, 0.4, 0.15, 0.2), "diagnosed in infancy/childhood (classes.md)"),
    ):
        rows = [("age_at_examination_infant", inf), ("age_at_examination_child", ch),
                ("age_at_examination_adolescent", ado), ("age_at_examination_adult", adu)]
        R[did] += [{"finding": f, "frequency": v, "mode": "override", "source": f"{age_src}: {why}",
                    **({"against": True} if v <= 0.03 else {})} for f, v in rows]
    # -- context: sex
    R["x_linked"] += [
        {"finding": "sex_male", "frequency": 0.95, "mode": "override",
         "source": "overview: X-linked osteopetrosis affects mainly men; estimate 0.95"},
        {"finding": "sex_female", "frequency": 0.05, "against": True, "mode": "override",
         "source": "overview: affects mainly men; rare heterozygous females: estimate 0.05"},
    ]
    # -- context: family history
    R["infantile"] += [
        {"finding": "parental_consanguinity", "frequency": 0.4, "mode": "override",
         "source": "autosomal recessive; consanguinity is common in ARO series: estimate 0.4"},
        {"finding": "family_history_affected_sibling", "frequency": 0.25, "mode": "override",
         "source": "autosomal recessive: 1 in 4 recurrence per sib; estimate 0.25"},
        {"finding": "family_history_affected_parent", "frequency": 0.01, "against": True, "mode": "override",
         "source": "autosomal recessive: parents are carriers; estimate 0.01"},
    ]
    R["adult"] += [
        {"finding": "family_history_affected_parent", "frequency": 0.5, "mode": "override",
         "source": "autosomal dominant with incomplete penetrance (classes.md): estimate 0.5"},
        {"finding": "family_history_affected_sibling", "frequency": 0.25, "mode": "override",
         "source": "autosomal dominant, 50% risk per sib, incomplete penetrance: estimate 0.25"},
    ]
    R["intermediate"] += [
        {"finding": "parental_consanguinity", "frequency": 0.35, "mode": "override",
         "source": "mostly autosomal recessive (CA2 deficiency common in consanguineous families): estimate 0.35"},
        {"finding": "family_history_affected_sibling", "frequency": 0.25, "mode": "override",
         "source": "autosomal recessive: estimate 0.25"},
        {"finding": "family_history_affected_parent", "frequency": 0.1, "mode": "override",
         "source": "overview: can also be inherited as an autosomal dominant trait: estimate 0.1"},
    ]
    R["x_linked"] += [
        {"finding": "family_history_affected_maternal_male_relative", "frequency": 0.3, "mode": "override",
         "source": "X-linked recessive (many de novo): estimate 0.3"},
        {"finding": "family_history_affected_sibling", "frequency": 0.15, "mode": "override",
         "source": "X-linked recessive, affected brother: estimate 0.15"},
        {"finding": "family_history_affected_parent", "frequency": 0.03, "against": True, "mode": "override",
         "source": "X-linked recessive: affected fathers do not transmit to sons, carrier mothers mildly affected: estimate 0.03"},
    ]
    R["melorheostosis"] += [
        {"finding": "family_history_affected_parent", "frequency": 0.02, "against": True, "mode": "override",
         "source": "sporadic (somatic MAP2K1; classes.md): estimate 0.02"},
        {"finding": "family_history_affected_sibling", "frequency": 0.01, "against": True, "mode": "override",
         "source": "sporadic (classes.md): estimate 0.01"},
    ]
    R["osteopoikilosis"] += [
        {"finding": "family_history_affected_parent", "frequency": 0.5, "mode": "override",
         "source": "autosomal dominant (LEMD3; classes.md): estimate 0.5"},
        {"finding": "family_history_affected_sibling", "frequency": 0.3, "mode": "override",
         "source": "autosomal dominant: estimate 0.3"},
    ]
    R["osteogenesis_imperfecta"] += [
        {"finding": "family_history_affected_parent", "frequency": 0.35, "mode": "override",
         "source": "mostly autosomal dominant; type I often inherited (~0.5), severe types mostly de novo: estimate 0.35"},
        {"finding": "family_history_affected_sibling", "frequency": 0.1, "mode": "override",
         "source": "estimate 0.1 (dominant inheritance, germline mosaicism, recessive types)"},
        {"finding": "parental_consanguinity", "frequency": 0.05, "mode": "override",
         "source": "recessive types are about 5-10% of OI (classes.md gene list): estimate 0.05"},
    ]
    # overview rules
    for did, rules in _overview_rules().items():
        R[did] = rules + R[did]
    return R


CURATED_RULES = _curated_rules()


# ----------------------------------------------------------------------------- look-alikes
# Conditions that resemble the seven diagnoses and are none of them (classes.md: "Conditions that resemble
# these and are none of them"). Each becomes rules/lookalike_<id>.toml with `lookalike = true`: the engine
# scores it like a diagnosis and adds its posterior to "none of these". Same structure and method as
# DIAGNOSES (group entry first, else subtype shares; NOT rows -> against; floor 0.02). Entries were found by
# name in phenotype.hpoa (HPO 2025-01-16); genes from genes_to_phenotype.txt. A look-alike with fewer than
# LOOKALIKE_MIN_TERMS usable annotated terms is skipped by the generator.
# Prevalence priors are capped at LOOKALIKE_MAX_PREVALENCE: the engine's population is patients in a work-up
# for a sclerosing or fragile-bone disorder, not the general population.

LOOKALIKE_MIN_TERMS = 5
LOOKALIKE_MAX_PREVALENCE = 1.0e-4

LOOKALIKES = {
    "pycnodysostosis": {
        "name": "Pycnodysostosis",
        "synonyms": ["pyknodysostosis", "Maroteaux-Lamy pycnodysostosis", "Toulouse-Lautrec disease",
                     "cathepsin K deficiency"],
        "inheritance": "autosomal_recessive",
        "onset": "infancy or childhood (short stature, open anterior fontanelle, fractures); estimate, HPO gives no onset",
        "prevalence": 1.35e-6,
        "prevalence_source": "estimate: 1 to 1.7 per 1,000,000 births as commonly quoted (project brief); midpoint 1.35e-6",
        "group": "ORPHA:763",
        "entries": ["ORPHA:763", "OMIM:265800"],
        "shares": {
            "OMIM:265800": (1.0, "the only OMIM entry (CTSK)"),
        },
        "genes": [
            {"symbol": "CTSK", "zygosity": "biallelic", "fraction": 1.0,
             "source": "HPO genes_to_phenotype OMIM:265800 and ORPHA:763 (autosomal recessive); the only known gene"},
        ],
    },
    "camurati_engelmann": {
        "name": "Camurati-Engelmann disease",
        "synonyms": ["progressive diaphyseal dysplasia", "Engelmann disease", "Camurati-Engelmann syndrome", "CED"],
        "inheritance": "autosomal_dominant",
        "onset": "childhood (leg pain, waddling gait, muscle weakness); HPO OMIM:131300 juvenile onset",
        "prevalence": 1.0e-6,
        "prevalence_source": "estimate: about 1 per 1,000,000 (project brief); not from a cited population study",
        "group": "ORPHA:1328",
        "entries": ["ORPHA:1328", "OMIM:131300", "OMIM:606631"],
        "shares": {
            "OMIM:131300": (0.9, "CED type 1, TGFB1: most cases; estimate"),
            "OMIM:606631": (0.1, "CED type 2, without a TGFB1 variant: estimate"),
        },
        "genes": [
            {"symbol": "TGFB1", "zygosity": "heterozygous", "fraction": 0.9,
             "source": "HPO genes_to_phenotype OMIM:131300 and ORPHA:1328; OMIM:606631 (type 2) has no gene; share estimate"},
        ],
    },
    "sclerosteosis": {
        "name": "Sclerosteosis",
        "synonyms": ["sclerosteosis 1", "sclerosteosis 2", "cortical hyperostosis with syndactyly"],
        "inheritance": "autosomal_recessive",
        "onset": "early childhood (syndactyly at birth, overgrowth and facial palsy in childhood): estimate; "
                 "HPO OMIM:269500 gives intermediate young adult onset for one sign",
        "prevalence": 5.0e-7,
        "prevalence_source": "estimate: under 1 per 1,000,000 (project brief); most patients from a founder population; "
                             "5e-7 taken",
        "group": "ORPHA:3152",
        "entries": ["ORPHA:3152", "OMIM:269500", "OMIM:614305"],
        "shares": {
            "OMIM:269500": (0.85, "sclerosteosis 1, SOST: most cases; estimate"),
            "OMIM:614305": (0.15, "sclerosteosis 2, LRP4: estimate"),
        },
        "genes": [
            {"symbol": "SOST", "zygosity": "biallelic", "fraction": 0.85,
             "source": "HPO genes_to_phenotype OMIM:269500 and ORPHA:3152; share estimate"},
            {"symbol": "LRP4", "zygosity": "any", "fraction": 0.15,
             "source": "HPO genes_to_phenotype OMIM:614305 and ORPHA:3152; HPO annotates both recessive and dominant "
                       "inheritance for OMIM:614305, hence zygosity any; share estimate"},
        ],
    },
    "van_buchem": {
        "name": "Van Buchem disease (hyperostosis corticalis generalisata)",
        "synonyms": ["hyperostosis corticalis generalisata", "endosteal hyperostosis, van Buchem type",
                     "van Buchem disease type 2", "endosteal hyperostosis, Worth type", "Worth disease"],
        "inheritance": "autosomal_recessive",
        "onset": "childhood or adolescence (facial palsy, enlarging jaw), often diagnosed in adults: estimate",
        "prevalence": 5.0e-7,
        "prevalence_source": "estimate: under 1 per 1,000,000 (project brief); most patients from one founder population; "
                             "5e-7 taken",
        "group": "ORPHA:3416",
        "entries": ["ORPHA:3416", "OMIM:239100", "OMIM:144750", "ORPHA:2790"],
        "shares": {
            "OMIM:239100": (0.85, "van Buchem disease, homozygous SOST downstream regulatory deletion: estimate"),
            "OMIM:144750": (0.075, "endosteal hyperostosis (van Buchem type 2 / Worth type, LRP5, dominant): "
                                   "0.15 split with ORPHA:2790 (same disease); estimate"),
            "ORPHA:2790": (0.075, "endosteal hyperostosis, Worth type (LRP5): see OMIM:144750; estimate"),
        },
        "notes": [
            "ORPHA:3416 (hyperostosis corticalis generalisata) is Orphanet's van Buchem entry (genes SOST and LRP5 in",
            "genes_to_phenotype); the dominant LRP5 endosteal hyperostosis (Worth type, OMIM:144750 / ORPHA:2790) is",
            "grouped here as van Buchem type 2. LRP5 high bone mass OPTA1 (OMIM:607634) stays under adult.",
        ],
        "genes": [
            {"symbol": "SOST", "zygosity": "biallelic", "fraction": 0.85,
             "source": "homozygous 52-kb deletion downstream of SOST (regulatory; project brief); HPO genes_to_phenotype "
                       "ORPHA:3416 (OMIM:239100 has no gene row); share estimate"},
            {"symbol": "LRP5", "zygosity": "heterozygous", "fraction": 0.15,
             "source": "HPO genes_to_phenotype OMIM:144750, ORPHA:2790 and ORPHA:3416 (dominant Worth type); share estimate"},
        ],
    },
    "dysosteosclerosis": {
        "name": "Dysosteosclerosis",
        "synonyms": ["DOS", "brain abnormalities, neurodegeneration, and dysosteosclerosis", "BANDDOS"],
        "inheritance": "autosomal_recessive",
        "onset": "infancy or early childhood (fractures, dental and cranial nerve signs, developmental regression): "
                 "estimate; HPO OMIM:618476 congenital, childhood and juvenile onset",
        "prevalence": 1.0e-7,
        "prevalence_source": "estimate: a few dozen reported patients; far under 1 per 1,000,000",
        "group": "ORPHA:1782",
        "entries": ["ORPHA:1782", "OMIM:224300", "OMIM:618476"],
        "shares": {
            "OMIM:224300": (0.6, "dysosteosclerosis (SLC29A3 and unsolved cases): estimate"),
            "OMIM:618476": (0.3, "BANDDOS, biallelic CSF1R: estimate"),
        },
        "genes": [
            {"symbol": "SLC29A3", "zygosity": "biallelic", "fraction": 0.4,
             "source": "HPO genes_to_phenotype ORPHA:1782; share estimate"},
            {"symbol": "CSF1R", "zygosity": "biallelic", "fraction": 0.3,
             "source": "HPO genes_to_phenotype OMIM:618476 (BANDDOS, autosomal recessive); share estimate"},
            {"symbol": "TNFRSF11A", "zygosity": "biallelic", "fraction": 0.05,
             "source": "HPO genes_to_phenotype ORPHA:1782; share estimate"},
            {"symbol": "TCIRG1", "zygosity": "biallelic", "fraction": 0.05,
             "source": "HPO genes_to_phenotype ORPHA:1782; share estimate (TCIRG1 mostly causes infantile osteopetrosis)"},
        ],
    },
    "craniometaphyseal_dysplasia": {
        "name": "Craniometaphyseal dysplasia",
        "synonyms": ["CMD", "craniometaphyseal dysplasia, autosomal dominant",
                     "craniometaphyseal dysplasia, autosomal recessive"],
        "inheritance": "mixed",
        "onset": "infancy or early childhood (HPO OMIM:123000: congenital 1/3, infantile 2/5, childhood 2/5)",
        "prevalence": 5.0e-7,
        "prevalence_source": "estimate: under 1 per 1,000,000 (project brief); 5e-7 taken",
        "group": "ORPHA:1522",
        "entries": ["ORPHA:1522", "OMIM:123000", "OMIM:218400"],
        "shares": {
            "OMIM:123000": (0.85, "autosomal dominant CMD, ANKH: most cases; estimate"),
            "OMIM:218400": (0.15, "autosomal recessive CMD, GJA1: estimate"),
        },
        "genes": [
            {"symbol": "ANKH", "zygosity": "heterozygous", "fraction": 0.8,
             "source": "HPO genes_to_phenotype OMIM:123000 and ORPHA:1522; share estimate"},
            {"symbol": "GJA1", "zygosity": "biallelic", "fraction": 0.1,
             "source": "HPO genes_to_phenotype OMIM:218400 (autosomal recessive) and ORPHA:1522; share estimate"},
        ],
    },
    "caffey": {
        "name": "Caffey disease (infantile cortical hyperostosis)",
        "synonyms": ["infantile cortical hyperostosis", "Caffey-Silverman syndrome", "Caffey syndrome"],
        "inheritance": "autosomal_dominant",
        "onset": "first months of life (HPO OMIM:114000: infantile onset of the hyperostosis, congenital bowing); "
                 "usually resolves in early childhood: estimate",
        "prevalence": 1.0e-5,
        "prevalence_source": "estimate: about 1e-5 (project brief); the condition has become rare",
        "group": "ORPHA:1310",
        "entries": ["ORPHA:1310", "OMIM:114000"],
        "shares": {
            "OMIM:114000": (1.0, "the only OMIM entry (COL1A1)"),
        },
        "genes": [
            {"symbol": "COL1A1", "zygosity": "heterozygous", "fraction": 0.8,
             "source": "HPO genes_to_phenotype OMIM:114000 and ORPHA:1310 (autosomal dominant, incomplete penetrance); "
                       "sporadic cases are not all explained: share estimate"},
        ],
    },
    "paget": {
        "name": "Paget disease of bone (including juvenile Paget disease)",
        "synonyms": ["Paget's disease of bone", "osteitis deformans", "PDB", "juvenile Paget disease",
                     "hyperphosphatasia with osteoectasia", "idiopathic hyperphosphatasia"],
        "inheritance": "mixed",
        "onset": "adults, usually after 50 (classical PDB; HPO OMIM:616833 adult onset); juvenile Paget disease in "
                 "infancy (HPO OMIM:239000 infantile onset)",
        "prevalence": 1.0e-4,
        "prevalence_source": "estimate, capped at 1e-4: classical Paget disease of bone is common in older adults "
                             "(a few per cent over 55 in some populations), but the engine's population is patients "
                             "in a work-up for a sclerosing or fragile-bone disorder, where the population prevalence "
                             "would overstate it and swamp the rare diagnoses",
        "group": None,
        "entries": ["OMIM:167250", "OMIM:602080", "OMIM:606263", "OMIM:616833", "OMIM:239000", "ORPHA:2801"],
        "shares": {
            "OMIM:167250": (0.8, "PDB3 (SQSTM1) stands for classical late-onset PDB with or without an SQSTM1 variant: "
                                 "estimate"),
            "OMIM:606263": (0.05, "PDB4 (5q31 locus): estimate"),
            "OMIM:616833": (0.05, "PDB6 (ZNF687, with giant cell tumour): estimate"),
            "OMIM:602080": (0.03, "PDB2, early-onset (TNFRSF11A): estimate"),
            "OMIM:239000": (0.02, "PDB5, juvenile Paget disease (TNFRSF11B): 0.04 split with ORPHA:2801; estimate"),
            "ORPHA:2801": (0.02, "juvenile Paget disease: see OMIM:239000; estimate"),
        },
        "notes": [
            "No Orphanet group entry for classical Paget disease of bone in HPO 2025-01-16, so subtype shares are used.",
            "Not grouped: inclusion body myopathy with early-onset Paget disease (OMIM:167320, 615422, 615424;",
            "multisystem proteinopathy) and spastic paraplegia-Paget disease (ORPHA:329475): the bone disease is one",
            "part of a neuromuscular syndrome. Hyperphosphatasia with mental retardation (PIGV etc.) is a different",
            "(GPI-anchor) disorder and is not grouped either.",
        ],
        "genes": [
            {"symbol": "SQSTM1", "zygosity": "heterozygous", "fraction": 0.15,
             "source": "HPO genes_to_phenotype OMIM:167250; SQSTM1 variants in a minority of PDB, more often familial: "
                       "share estimate"},
            {"symbol": "TNFRSF11B", "zygosity": "biallelic", "fraction": 0.02,
             "source": "HPO genes_to_phenotype OMIM:239000 and ORPHA:2801 (juvenile Paget, autosomal recessive); "
                       "share estimate"},
            {"symbol": "TNFRSF11A", "zygosity": "heterozygous", "fraction": 0.01,
             "source": "HPO genes_to_phenotype OMIM:602080 (PDB2, dominant) and ORPHA:2801; share estimate"},
            {"symbol": "ZNF687", "zygosity": "heterozygous", "fraction": 0.01,
             "source": "HPO genes_to_phenotype OMIM:616833 (PDB6); share estimate"},
        ],
    },
    "rickets": {
        "name": "Heritable rickets (hypophosphatemic and vitamin D-dependent)",
        "synonyms": ["X-linked hypophosphatemia", "XLH", "hypophosphatemic rickets", "vitamin D-dependent rickets",
                     "vitamin D-resistant rickets", "ADHR", "ARHR", "HHRH", "VDDR"],
        "inheritance": "mixed",
        "onset": "infancy or early childhood (bowed legs, delayed walking; HPO: infantile onset for XLH, "
                 "VDDR1A/1B/2A, HHRH); nutritional rickets is not modelled",
        "prevalence": 5.0e-5,
        "prevalence_source": "estimate: X-linked hypophosphatemia about 1 in 20,000 (project brief); the other heritable "
                             "forms are much rarer; nutritional rickets is not modelled; 5e-5 taken",
        "group": None,
        "entries": ["OMIM:307800", "ORPHA:89936", "OMIM:193100", "ORPHA:89937", "OMIM:241520", "OMIM:613312",
                    "ORPHA:289176", "OMIM:241530", "ORPHA:157215", "OMIM:300554", "OMIM:612089", "OMIM:264700",
                    "OMIM:600081", "ORPHA:289157", "OMIM:277440", "OMIM:600785", "ORPHA:93160", "OMIM:619073"],
        "shares": {
            "OMIM:307800": (0.35, "XLH (PHEX), most heritable rickets: 0.7 split with ORPHA:89936; rough share, estimate"),
            "ORPHA:89936": (0.35, "X-linked hypophosphatemia: see OMIM:307800; estimate"),
            "OMIM:193100": (0.02, "ADHR (FGF23): 0.04 split with ORPHA:89937; estimate"),
            "ORPHA:89937": (0.02, "ADHR: see OMIM:193100; estimate"),
            "OMIM:241520": (0.015, "ARHR1 (DMP1): 0.06 with ARHR2 and ORPHA:289176; estimate"),
            "OMIM:613312": (0.015, "ARHR2 (ENPP1): estimate"),
            "ORPHA:289176": (0.03, "autosomal recessive hypophosphatemic rickets (DMP1, ENPP1): estimate"),
            "OMIM:241530": (0.02, "HHRH (SLC34A3): 0.04 split with ORPHA:157215; estimate"),
            "ORPHA:157215": (0.02, "HHRH: see OMIM:241530; estimate"),
            "OMIM:300554": (0.01, "X-linked recessive hypophosphatemic rickets (CLCN5): estimate"),
            "OMIM:612089": (0.005, "hypophosphatemic rickets and hyperparathyroidism (KL): estimate"),
            "OMIM:264700": (0.02, "VDDR1A (CYP27B1): 0.06 with VDDR1B and ORPHA:289157; estimate"),
            "OMIM:600081": (0.01, "VDDR1B (CYP2R1): estimate"),
            "ORPHA:289157": (0.03, "hypocalcemic vitamin D-dependent rickets (VDDR1): estimate"),
            "OMIM:277440": (0.02, "VDDR2A (VDR): 0.05 with VDDR2B and ORPHA:93160; estimate"),
            "OMIM:600785": (0.005, "VDDR2B (normal VDR): estimate"),
            "ORPHA:93160": (0.025, "hypocalcemic vitamin D-resistant rickets (VDDR2): estimate"),
            "OMIM:619073": (0.005, "VDDR3 (CYP3A4 gain of function): estimate"),
        },
        "notes": [
            "One diagnosis combining the heritable hypophosphatemic rickets and the vitamin D-dependent rickets; the",
            "shares are rough estimates (XLH dominates). Hypophosphatasia (ALPL) is a different disorder, not grouped.",
        ],
        "genes": [
            {"symbol": "PHEX", "zygosity": "any", "fraction": 0.7,
             "source": "HPO genes_to_phenotype OMIM:307800 and ORPHA:89936; X-linked dominant (heterozygous females, "
                       "hemizygous males), hence zygosity any; share estimate"},
            {"symbol": "FGF23", "zygosity": "heterozygous", "fraction": 0.04,
             "source": "HPO genes_to_phenotype OMIM:193100 and ORPHA:89937; share estimate"},
            {"symbol": "ENPP1", "zygosity": "biallelic", "fraction": 0.03,
             "source": "HPO genes_to_phenotype OMIM:613312 and ORPHA:289176; share estimate"},
            {"symbol": "DMP1", "zygosity": "biallelic", "fraction": 0.03,
             "source": "HPO genes_to_phenotype OMIM:241520 and ORPHA:289176; share estimate"},
            {"symbol": "SLC34A3", "zygosity": "biallelic", "fraction": 0.035,
             "source": "HPO genes_to_phenotype OMIM:241530 and ORPHA:157215; share estimate"},
            {"symbol": "SLC34A1", "zygosity": "any", "fraction": 0.005,
             "source": "HPO genes_to_phenotype ORPHA:157215; share estimate"},
            {"symbol": "CLCN5", "zygosity": "hemizygous", "fraction": 0.01,
             "source": "HPO genes_to_phenotype OMIM:300554 (X-linked recessive); share estimate"},
            {"symbol": "CYP27B1", "zygosity": "biallelic", "fraction": 0.045,
             "source": "HPO genes_to_phenotype OMIM:264700 and ORPHA:289157; share estimate"},
            {"symbol": "CYP2R1", "zygosity": "any", "fraction": 0.015,
             "source": "HPO genes_to_phenotype OMIM:600081 and ORPHA:289157; heterozygotes can be mildly affected, hence "
                       "zygosity any; share estimate"},
            {"symbol": "VDR", "zygosity": "biallelic", "fraction": 0.045,
             "source": "HPO genes_to_phenotype OMIM:277440 and ORPHA:93160; share estimate"},
            {"symbol": "CYP3A4", "zygosity": "heterozygous", "fraction": 0.005,
             "source": "HPO genes_to_phenotype OMIM:619073 (VDDR3, dominant gain of function); share estimate"},
        ],
    },
    "lenz_majewski": {
        "name": "Lenz-Majewski hyperostotic dwarfism",
        "synonyms": ["Lenz-Majewski syndrome", "Lenz-Majewski hyperostotic dysplasia", "hyperostotic dwarfism"],
        "inheritance": "autosomal_dominant",
        "onset": "congenital (syndactyly, cutis laxa, large fontanelle) with progressive sclerosis in childhood: estimate",
        "prevalence": 1.0e-7,
        "prevalence_source": "estimate: a few dozen reported patients at most (de novo dominant); far under 1 per 1,000,000",
        "group": "ORPHA:2658",
        "entries": ["ORPHA:2658", "OMIM:151050"],
        "shares": {
            "OMIM:151050": (1.0, "the only OMIM entry (PTDSS1)"),
        },
        "genes": [
            {"symbol": "PTDSS1", "zygosity": "heterozygous", "fraction": 1.0,
             "source": "HPO genes_to_phenotype OMIM:151050 and ORPHA:2658 (de novo heterozygous; HPO: autosomal dominant, "
                       "sporadic); the only known gene"},
        ],
    },
    "osteopathia_striata_cranial_sclerosis": {
        "name": "Osteopathia striata with cranial sclerosis",
        "synonyms": ["OSCS", "osteopathia striata-cranial sclerosis syndrome", "Horan-Beighton syndrome"],
        "inheritance": "x_linked_dominant",
        "onset": "congenital or infancy (macrocephaly, cleft palate); striations seen on radiographs later: estimate",
        "prevalence": 2.0e-7,
        "prevalence_source": "estimate: under 1 per 1,000,000; a few hundred reported patients at most",
        "group": "ORPHA:2780",
        "entries": ["ORPHA:2780", "OMIM:300373"],
        "shares": {
            "OMIM:300373": (1.0, "the only OMIM entry (AMER1)"),
        },
        "genes": [
            {"symbol": "AMER1", "zygosity": "any", "fraction": 1.0,
             "source": "HPO genes_to_phenotype OMIM:300373 and ORPHA:2780; X-linked dominant (heterozygous females, "
                       "hemizygous or mosaic males), hence zygosity any; the only known gene"},
        ],
    },
    "hyperostosis_cranialis_interna": {
        "name": "Hyperostosis cranialis interna",
        "synonyms": ["HCI"],
        "inheritance": "autosomal_dominant",
        "onset": "adolescence or young adulthood (HPO OMIM:144755 juvenile and young adult onset)",
        "prevalence": 1.0e-7,
        "prevalence_source": "estimate: very few families reported; far under 1 per 1,000,000",
        "group": None,
        "entries": ["OMIM:144755"],
        "shares": {
            "OMIM:144755": (1.0, "the only entry (SLC39A14); no Orphanet entry in HPO"),
        },
        "genes": [
            {"symbol": "SLC39A14", "zygosity": "heterozygous", "fraction": 1.0,
             "source": "HPO genes_to_phenotype OMIM:144755 (autosomal dominant); the only known gene"},
        ],
    },
}


def _lookalike_rules():
    """Curated look-alike rules. HPO findings are named by `hpo` (the generator maps them to finding ids and
    adds the terms to the vocabulary); context findings by `finding`. Modes as in CURATED_RULES."""
    R = {d: [] for d in LOOKALIKES}

    def h(did, hpo, freq, why, mode="add"):
        # mode add: when HPO gives a larger frequency (or the group entry gives one) the HPO rule stays and
        # only `note` is appended to its source
        R[did].append({"hpo": hpo, "frequency": freq, "source": f"{why}: estimate {freq}", "mode": mode,
                       "note": f"{why} (curated estimate {freq}; HPO frequency kept)"})

    # -- signs classes.md / the brief name as characteristic (HPO frequency wins when the group entry gives one)
    h("pycnodysostosis", "HP:0009839", 0.8,
      "classes.md look-alike; acro-osteolysis of the distal phalanges is characteristic")
    h("pycnodysostosis", "HP:0004474", 0.8,
      "classes.md look-alike; persistent open anterior fontanelle is characteristic")
    h("camurati_engelmann", "HP:0003034", 0.9,
      "diaphyseal sclerosis is the defining sign of progressive diaphyseal dysplasia (HPO annotation OMIM:131300 "
      "without frequency)")
    h("camurati_engelmann", "HP:0012514", 0.7,
      "leg pain is the usual presenting complaint (HPO annotation OMIM:131300 lower limb pain 4/4, limb pain 63/92)")
    h("camurati_engelmann", "HP:0002515", 0.5,
      "waddling gait (HPO annotation OMIM:131300 54/102)")
    h("sclerosteosis", "HP:0001159", 0.8,
      "syndactyly distinguishes sclerosteosis from van Buchem disease (HPO annotation ORPHA:3152 finger syndactyly "
      "very frequent)")
    h("sclerosteosis", "HP:0000098", 0.8,
      "tall stature / overgrowth (HPO annotation ORPHA:3152 very frequent)")
    h("craniometaphyseal_dysplasia", "HP:0003015", 0.9,
      "metaphyseal flaring (Erlenmeyer-like) is defining (HPO annotation OMIM:123000 flared metaphysis 5/5)")
    h("caffey", "HP:0100774", 0.9,
      "cortical hyperostosis in infancy is the defining sign (classes.md: infantile cortical hyperostosis)")
    h("caffey", "HP:0005791", 0.55,
      "cortical hyperostosis of the long-bone diaphyses is the defining sign (classes.md; HPO OMIM:114000 periosteal "
      "thickening of long tubular bones 3/3, subperiosteal bone formation 3/3); ORPHA:1310 'occasional' judged too "
      "low", mode="override")
    h("caffey", "HP:6000937", 0.6,
      "mandible is the bone most often involved (HPO annotation OMIM:114000 thickened cortex of the mandible, "
      "no frequency)")
    h("paget", "HP:0003155", 0.8,
      "raised total alkaline phosphatase is the usual marker of active Paget disease (HPO annotation in every PDB "
      "entry, mostly without frequency)")
    h("paget", "HP:0002653", 0.6,
      "bone pain is the commonest symptom of Paget disease (HPO annotation OMIM:167250 etc., no frequency)")

    # rickets combines subtypes: a NOT row of one small subtype must not argue against the whole group
    h("rickets", "HP:0001250", 0.05,
      "vitamin D-dependent forms (shares about 0.11) have hypocalcemic seizures (HPO OMIM:264700, OMIM:277440; "
      "ORPHA:289157 occasional); ORPHA:289176 (recessive hypophosphatemic, share 0.03) says NOT seizure, so no "
      "against rule", mode="override")
    h("rickets", "HP:0003472", 0.08,
      "vitamin D-dependent forms (shares about 0.11) have hypocalcaemia and tetany (HPO ORPHA:289157 tetany very "
      "frequent, hypocalcemia obligate); ORPHA:289176 (share 0.03) says NOT hypocalcemic tetany, so no against rule",
      mode="override")

    # -- context: onset (HPO onset column / aspect C where given, classes.md otherwise); all estimates
    def onset(did, table, why):
        R[did] += [{"finding": f, "frequency": v, "mode": "override", "source": f"onset distribution, estimate ({why})",
                    **({"against": True} if a else {})} for f, v, a in table]

    onset("pycnodysostosis", [
        ("onset_congenital", 0.1, False), ("onset_infantile", 0.25, False), ("onset_childhood", 0.45, False),
        ("onset_juvenile", 0.12, False), ("onset_adult", 0.08, False)],
        "HPO gives no onset; short stature and open fontanelle from infancy, diagnosis mostly in childhood")
    onset("camurati_engelmann", [
        ("onset_infantile", 0.05, False), ("onset_childhood", 0.4, False), ("onset_juvenile", 0.35, False),
        ("onset_adult", 0.2, False)], "HPO OMIM:131300 juvenile onset; symptoms usually begin in childhood")
    onset("sclerosteosis", [
        ("onset_congenital", 0.2, False), ("onset_infantile", 0.1, False), ("onset_childhood", 0.45, False),
        ("onset_juvenile", 0.15, False), ("onset_adult", 0.1, False)],
        "syndactyly at birth, overgrowth and facial palsy in childhood; HPO OMIM:269500 young adult onset for one sign")
    onset("van_buchem", [
        ("onset_infantile", 0.05, False), ("onset_childhood", 0.35, False), ("onset_juvenile", 0.3, False),
        ("onset_adult", 0.3, False)], "facial palsy and jaw enlargement from childhood or puberty; often found in adults")
    onset("dysosteosclerosis", [
        ("onset_congenital", 0.1, False), ("onset_infantile", 0.4, False), ("onset_childhood", 0.42, False),
        ("onset_juvenile", 0.06, False), ("onset_adult", 0.02, False)],
        "HPO OMIM:618476 congenital, childhood and juvenile onset; fractures and developmental signs in early childhood")
    onset("craniometaphyseal_dysplasia", [
        ("onset_congenital", 0.15, False), ("onset_infantile", 0.4, False), ("onset_childhood", 0.35, False),
        ("onset_juvenile", 0.08, False), ("onset_adult", 0.02, False)],
        "HPO OMIM:123000: congenital 1/3, infantile 2/5, childhood 2/5, juvenile 1/1")
    onset("caffey", [
        ("onset_antenatal", 0.05, False), ("onset_congenital", 0.1, False), ("onset_neonatal", 0.2, False),
        ("onset_infantile", 0.63, False), ("onset_childhood", 0.02, True), ("onset_juvenile", 0.01, True),
        ("onset_adult", 0.01, True)],
        "HPO OMIM:114000 infantile onset of the hyperostosis, congenital bowing; classically before 5 months; a rare "
        "prenatal lethal form")
    onset("paget", [
        ("onset_congenital", 0.005, True), ("onset_infantile", 0.02, False), ("onset_childhood", 0.02, False),
        ("onset_juvenile", 0.03, False), ("onset_adult", 0.92, False)],
        "classical PDB after 50 (HPO OMIM:616833 adult onset); juvenile Paget in infancy (HPO OMIM:239000), PDB2 in "
        "childhood (HPO OMIM:602080)")
    onset("rickets", [
        ("onset_congenital", 0.03, False), ("onset_neonatal", 0.02, False), ("onset_infantile", 0.45, False),
        ("onset_childhood", 0.4, False), ("onset_juvenile", 0.05, False), ("onset_adult", 0.05, False)],
        "HPO infantile onset for XLH, HHRH and VDDR1A/1B/2A, childhood for ARHR2/VDDR1/VDDR3; late-onset ADHR")
    onset("lenz_majewski", [
        ("onset_congenital", 0.6, False), ("onset_neonatal", 0.1, False), ("onset_infantile", 0.25, False),
        ("onset_childhood", 0.05, False), ("onset_adult", 0.01, True)],
        "syndactyly, cutis laxa and wide fontanelle at birth; sclerosis progresses in childhood")
    onset("osteopathia_striata_cranial_sclerosis", [
        ("onset_congenital", 0.5, False), ("onset_infantile", 0.2, False), ("onset_childhood", 0.2, False),
        ("onset_juvenile", 0.05, False), ("onset_adult", 0.05, False)],
        "macrocephaly and cleft palate from birth; often diagnosed later from the radiographs")
    onset("hyperostosis_cranialis_interna", [
        ("onset_childhood", 0.1, False), ("onset_juvenile", 0.4, False), ("onset_adult", 0.5, False)],
        "HPO OMIM:144755 juvenile onset and young adult onset (anosmia, headache)")

    # -- context: age at examination; all estimates
    for did, (inf, ch, ado, adu), why in (
        ("pycnodysostosis", (0.05, 0.45, 0.2, 0.3), "mostly diagnosed in childhood; adults with fractures"),
        ("camurati_engelmann", (0.02, 0.35, 0.3, 0.33), "childhood onset, slow course, diagnosis often delayed"),
        ("sclerosteosis", (0.05, 0.4, 0.25, 0.3), "childhood onset, progressive"),
        ("van_buchem", (0.01, 0.2, 0.3, 0.49), "often diagnosed in adults"),
        ("dysosteosclerosis", (0.2, 0.6, 0.15, 0.05), "early childhood; neurodegeneration in the CSF1R form"),
        ("craniometaphyseal_dysplasia", (0.3, 0.45, 0.15, 0.1), "infancy and early childhood"),
        ("caffey", (0.95, 0.04, 0.005, 0.005), "infants; usually resolves by age two"),
        ("paget", (0.005, 0.02, 0.02, 0.955), "classical PDB in older adults; juvenile Paget in children"),
        ("rickets", (0.2, 0.5, 0.15, 0.15), "infancy and childhood; adults with XLH complications"),
        ("lenz_majewski", (0.5, 0.45, 0.04, 0.01), "severe, diagnosed in infancy"),
        ("osteopathia_striata_cranial_sclerosis", (0.3, 0.4, 0.15, 0.15), "infancy to adulthood"),
        ("hyperostosis_cranialis_interna", (0.005, 0.05, 0.25, 0.695), "adolescence and adulthood"),
    ):
        rows = [("age_at_examination_infant", inf), ("age_at_examination_child", ch),
                ("age_at_examination_adolescent", ado), ("age_at_examination_adult", adu)]
        R[did] += [{"finding": f, "frequency": v, "mode": "override",
                    "source": f"estimate of the age at examination: {why}",
                    **({"against": True} if v <= 0.03 else {})} for f, v in rows]
    # -- context: sex (X-linked dominant, males often lethal)
    R["osteopathia_striata_cranial_sclerosis"] += [
        {"finding": "sex_female", "frequency": 0.8, "mode": "override",
         "source": "X-linked dominant; most reported patients are female (affected males are often severe or mosaic): "
                   "estimate 0.8"},
        {"finding": "sex_male", "frequency": 0.2, "mode": "override",
         "source": "X-linked dominant; affected males fewer: estimate 0.2"},
    ]
    return R


LOOKALIKE_RULES = _lookalike_rules()
