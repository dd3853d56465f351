#!/usr/bin/env python3
"""Generate the renbin sample dataset for Kecamatan Medan Belawan.

Writes the CSV files beside this script (UTF-8, header row, RFC 4180 quoting,
LF line ends), then re-reads them and checks the dataset's rules. Python 3
standard library only; deterministic (fixed seed), so running it again gives
byte-identical files.

    python3 data/gen.py

All people, NIPs, speakers, survey answers and forum notes are invented.
"""

import calendar
import csv
import datetime as dt
import os
import random
import re
import sys

SEED = 20270101
TODAY = dt.date(2026, 11, 29)          # reference "today": no TMT after this
SNAPSHOT = dt.date(2027, 6, 30)        # the 2027 plan as seen at mid-year
HELD_BEFORE = dt.date(2027, 7, 1)      # programs ending before this were held
OUT = os.path.dirname(os.path.abspath(__file__))

rng = random.Random(SEED)

GOLONGAN = ["I/a", "I/b", "I/c", "I/d", "II/a", "II/b", "II/c", "II/d",
            "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b", "IV/c", "IV/d", "IV/e"]
G = {g: i for i, g in enumerate(GOLONGAN)}

UNIT_KINDS = "kecamatan kelurahan puskesmas pustu upt dinas badan kantor lainnya".split()
COMP_TYPES = ["teknis", "manajerial", "sosial-kultural"]
METHODS = "pelatihan seminar workshop kursus bimtek sosialisasi e-learning coaching mentoring magang".split()
ENROLL_STATES = "terdaftar hadir selesai tidak-hadir batal".split()
PRIORITIES = ["tinggi", "sedang", "rendah"]

# --------------------------------------------------------------------------
# Units

UNITS = [
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kota Medan", "badan"),
    ("KEC-MBLW", "Kantor Camat Medan Belawan", "kecamatan"),
    ("KEL-BLW1", "Kelurahan Belawan I", "kelurahan"),
    ("KEL-BLW2", "Kelurahan Belawan II", "kelurahan"),
    ("KEL-BHR", "Kelurahan Belawan Bahari", "kelurahan"),
    ("KEL-BHG", "Kelurahan Belawan Bahagia", "kelurahan"),
    ("KEL-SCN", "Kelurahan Belawan Sicanang", "kelurahan"),
    ("KEL-BGD", "Kelurahan Bagan Deli", "kelurahan"),
    ("PKM-BLW", "Puskesmas Belawan", "puskesmas"),
    ("PKM-SCN", "Puskesmas Sicanang", "puskesmas"),
    ("PUSTU-BHR", "Puskesmas Pembantu Belawan Bahari (Puskesmas Belawan)", "pustu"),
    ("PUSTU-BHG", "Puskesmas Pembantu Belawan Bahagia (Puskesmas Belawan)", "pustu"),
    ("PUSTU-BGD", "Puskesmas Pembantu Bagan Deli (Puskesmas Belawan)", "pustu"),
    ("PUSTU-CKP", "Puskesmas Pembantu Cikampek (Puskesmas Belawan)", "pustu"),
]
KEL = [u[0] for u in UNITS if u[2] == "kelurahan"]
HEALTH = [u[0] for u in UNITS if u[2] in ("puskesmas", "pustu")]

# --------------------------------------------------------------------------
# Positions: jabatan, education, golongan range, share of women, BUP 60?
# Education decides the entry rank, the age at appointment and the title.

EDU = {
    # entry golongan, age at TMT CPNS (min, max)
    "SMA": ("II/a", 19, 28), "D3": ("II/c", 21, 30), "S1": ("III/a", 22, 34),
    "S2": ("III/b", 25, 35), "dr": ("III/b", 25, 35), "drg": ("III/b", 25, 35),
    "apt": ("III/b", 24, 34),
}

TITLES = {
    "gen": [", S.Sos.", ", S.E.", ", S.H.", ", S.AP.", ", S.IP.", ", S.Sos.", ", S.Pd."],
    "keu": [", S.E.", ", S.E.", ", S.Ak."],
    "kom": [", S.Kom.", ", S.Kom.", ", S.T."],
    "stp": [", S.STP.", ", S.IP.", ", S.Sos."],
    "s2": [", S.Sos., M.Si.", ", S.STP., M.AP.", ", S.E., M.M.", ", S.H., M.H.", ", S.Psi., M.Psi."],
    "d3": [", A.Md."], "d3kom": [", A.Md.Kom."], "keb": [", A.Md.Keb."],
    "kebap": [", S.Tr.Keb.", ", S.Keb., Bd."], "kep": [", A.Md.Kep."], "ners": [", S.Kep., Ners"],
    "farm": [", A.Md.Farm."], "kes": [", A.Md.Kes."], "gz": [", A.Md.Gz."], "kl": [", A.Md.K.L."],
    "ak": [", A.Md.A.K."], "rm": [", A.Md.RMIK"], "skm": [", S.K.M."], "kgm": [", A.Md.Kes."],
    "none": [""],
}

# key: (jabatan, edu, gol_lo, gol_hi, p_female, title_kind, bup60)
ROLES = {
    # BKPSDM
    "kabid": ("Kepala Bidang Pengembangan Kompetensi Aparatur", "S2", "IV/a", "IV/b", 0.4, "s2", False),
    "asdm_madya": ("Analis Sumber Daya Manusia Aparatur Ahli Madya", "S2", "IV/a", "IV/c", 0.5, "s2", True),
    "asdm_muda": ("Analis Sumber Daya Manusia Aparatur Ahli Muda", "S1", "III/c", "III/d", 0.5, "gen", False),
    "asdm_p": ("Analis Sumber Daya Manusia Aparatur Ahli Pertama", "S1", "III/a", "III/b", 0.6, "gen", False),
    "adm_kepeg": ("Pengadministrasi Kepegawaian", "SMA", "II/a", "III/b", 0.5, "none", False),
    # kecamatan and kelurahan
    "camat": ("Camat", "S2", "IV/a", "IV/b", 0.2, "s2", False),
    "sekcam": ("Sekretaris Camat", "S1", "III/d", "IV/a", 0.4, "stp", False),
    "kasi_pem": ("Kepala Seksi Pemerintahan", "S1", "III/b", "III/d", 0.4, "gen", False),
    "kasi_trantib": ("Kepala Seksi Ketenteraman dan Ketertiban Umum", "S1", "III/b", "III/d", 0.2, "gen", False),
    "kasi_pm": ("Kepala Seksi Pemberdayaan Masyarakat", "S1", "III/b", "III/d", 0.5, "gen", False),
    "kasi_kesos": ("Kepala Seksi Kesejahteraan Sosial", "S1", "III/b", "III/d", 0.5, "gen", False),
    "kasi_pu": ("Kepala Seksi Pelayanan Umum", "S1", "III/c", "III/d", 0.5, "gen", False),
    "kasi_pemb": ("Kepala Seksi Pembangunan", "S1", "III/b", "III/d", 0.3, "gen", False),
    "kasubag_umum": ("Kepala Subbagian Umum dan Kepegawaian", "S1", "III/c", "III/d", 0.5, "gen", False),
    "kasubag_prog": ("Kepala Subbagian Perencanaan dan Keuangan", "S1", "III/c", "III/d", 0.5, "keu", False),
    "lurah": ("Lurah", "S1", "III/c", "IV/a", 0.3, "stp", False),
    "seklur": ("Sekretaris Lurah", "S1", "III/b", "III/d", 0.5, "gen", False),
    "akeb_muda": ("Analis Kebijakan Ahli Muda", "S2", "III/c", "III/d", 0.5, "s2", False),
    "akeb_p": ("Analis Kebijakan Ahli Pertama", "S1", "III/a", "III/b", 0.5, "gen", False),
    "prakom": ("Pranata Komputer Ahli Pertama", "S1", "III/a", "III/b", 0.4, "kom", False),
    "prakom_t": ("Pranata Komputer Terampil", "D3", "II/c", "II/d", 0.4, "d3kom", False),
    "arsip": ("Arsiparis Terampil", "D3", "II/c", "III/b", 0.7, "d3", False),
    "adm_umum": ("Pengadministrasi Umum", "SMA", "II/a", "III/b", 0.5, "none", False),
    "adm_kantor": ("Pengadministrasi Perkantoran", "SMA", "II/a", "II/b", 0.5, "none", False),
    "opl": ("Operator Layanan Operasional", "SMA", "II/a", "II/b", 0.5, "none", False),
    "penata_lo": ("Penata Layanan Operasional", "S1", "III/a", "III/b", 0.5, "gen", False),
    "pengolah_data": ("Pengolah Data", "SMA", "II/a", "III/b", 0.5, "none", False),
    "bendahara": ("Bendahara", "S1", "III/a", "III/c", 0.6, "keu", False),
    "pengelola_keu": ("Pengelola Keuangan", "S1", "III/a", "III/d", 0.6, "keu", False),
    "penata_lap": ("Penata Laporan Keuangan", "S1", "III/a", "III/c", 0.6, "keu", False),
    "analis_pel": ("Analis Pelayanan", "S1", "III/a", "III/c", 0.5, "gen", False),
    "pengemudi": ("Pengemudi", "SMA", "II/a", "II/d", 0.0, "none", False),
    # health
    "kapus": ("Kepala Puskesmas", "dr", "IV/a", "IV/b", 0.6, "dr", False),
    "ka_tu": ("Kepala Subbagian Tata Usaha", "S1", "III/c", "III/d", 0.5, "skm", False),
    "dokter_muda": ("Dokter Ahli Muda", "dr", "III/c", "III/d", 0.6, "dr", False),
    "dokter_p": ("Dokter Ahli Pertama", "dr", "III/b", "III/b", 0.6, "dr", False),
    "drg_p": ("Dokter Gigi Ahli Pertama", "drg", "III/b", "III/b", 0.7, "drg", False),
    "bidan_py": ("Bidan Penyelia", "D3", "III/c", "III/d", 1.0, "keb", False),
    "bidan_m": ("Bidan Mahir", "D3", "III/a", "III/b", 1.0, "keb", False),
    "bidan_t": ("Bidan Terampil", "D3", "II/c", "II/d", 1.0, "keb", False),
    "bidan_ap": ("Bidan Ahli Pertama", "S1", "III/a", "III/b", 1.0, "kebap", False),
    "perawat_py": ("Perawat Penyelia", "D3", "III/c", "III/d", 0.7, "kep", False),
    "perawat_m": ("Perawat Mahir", "D3", "III/a", "III/b", 0.7, "kep", False),
    "perawat_t": ("Perawat Terampil", "D3", "II/c", "II/d", 0.7, "kep", False),
    "perawat_ap": ("Perawat Ahli Pertama", "S1", "III/a", "III/b", 0.7, "ners", False),
    "perawat_muda": ("Perawat Ahli Muda", "S1", "III/c", "III/d", 0.7, "ners", False),
    "tgm": ("Terapis Gigi dan Mulut Terampil", "D3", "II/c", "III/b", 0.8, "kgm", False),
    "apoteker": ("Apoteker Ahli Pertama", "apt", "III/b", "III/b", 0.7, "apt", False),
    "asapt": ("Asisten Apoteker Terampil", "D3", "II/c", "III/b", 0.8, "farm", False),
    "plk": ("Pranata Laboratorium Kesehatan Terampil", "D3", "II/c", "III/b", 0.7, "ak", False),
    "nutri": ("Nutrisionis Terampil", "D3", "II/c", "III/b", 0.9, "gz", False),
    "sanit": ("Tenaga Sanitasi Lingkungan Terampil", "D3", "II/c", "III/b", 0.5, "kl", False),
    "pkm_ap": ("Penyuluh Kesehatan Masyarakat Ahli Pertama", "S1", "III/a", "III/b", 0.6, "skm", False),
    "epid": ("Epidemiolog Kesehatan Ahli Pertama", "S1", "III/a", "III/b", 0.5, "skm", False),
    "perekam": ("Perekam Medis Terampil", "D3", "II/c", "II/d", 0.6, "rm", False),
    "pengemudi_amb": ("Pengemudi Ambulans", "SMA", "II/a", "II/d", 0.0, "none", False),
}

# Roster per unit: (role, seniority). Seniority: S = TMT CPNS 1993-2009,
# MO = 2010-2015, MY = 2017-2023, N = 2024-2026 ("new" ASN, mentee candidates).
KEL_BASE = [("lurah", "S"), ("seklur", "S"), ("kasi_pem", "S"), ("kasi_pm", "MO"),
            ("kasi_trantib", "S"), ("kasi_kesos", "MO"), ("adm_umum", "S"),
            ("adm_umum", "MO"), ("pengolah_data", "MY"), ("bendahara", "MO"),
            ("opl", "N"), ("penata_lo", "N")]
KEL_EXTRA = [("adm_umum", "S"), ("arsip", "MY"), ("analis_pel", "MO"), ("kasi_pemb", "S"),
             ("pengolah_data", "S"), ("adm_umum", "MY")]
KEL_SIZE = {"KEL-BLW1": 16, "KEL-BLW2": 14, "KEL-BHR": 16, "KEL-BHG": 13, "KEL-SCN": 13, "KEL-BGD": 15}

ROSTER = {
    "BKPSDM": [("kabid", "S"), ("asdm_madya", "S"), ("asdm_muda", "S"), ("asdm_muda", "MO"),
               ("asdm_p", "MY"), ("asdm_p", "N"), ("prakom", "MY"), ("adm_kepeg", "S"),
               ("pengolah_data", "MO"), ("penata_lo", "N")],
    "KEC-MBLW": [("camat", "S"), ("sekcam", "S"), ("kasi_pem", "S"), ("kasi_trantib", "S"),
                 ("kasi_pm", "MO"), ("kasi_kesos", "S"), ("kasi_pu", "MO"), ("kasubag_umum", "S"),
                 ("kasubag_prog", "MO"), ("akeb_muda", "MO"), ("akeb_p", "N"), ("prakom", "MY"),
                 ("prakom_t", "N"), ("arsip", "MY"), ("adm_umum", "S"), ("adm_umum", "S"),
                 ("adm_umum", "MO"), ("bendahara", "MO"), ("pengelola_keu", "S"),
                 ("penata_lap", "MY"), ("pengolah_data", "MY"), ("analis_pel", "MO"),
                 ("pengemudi", "S"), ("opl", "N"), ("adm_kantor", "N")],
    "PKM-BLW": [("kapus", "S"), ("ka_tu", "S"), ("dokter_muda", "MO"), ("dokter_p", "MY"),
                ("dokter_p", "N"), ("drg_p", "MY"), ("bidan_py", "S"), ("bidan_m", "S"),
                ("bidan_m", "MO"), ("bidan_t", "MY"), ("bidan_ap", "N"), ("perawat_py", "S"),
                ("perawat_m", "MO"), ("perawat_t", "MY"), ("perawat_ap", "N"), ("perawat_muda", "S"),
                ("tgm", "MY"), ("apoteker", "MY"), ("asapt", "MO"), ("plk", "MO"), ("nutri", "MY"),
                ("sanit", "MO"), ("pkm_ap", "MY"), ("epid", "MY"), ("perekam", "N"),
                ("bendahara", "S"), ("adm_umum", "S"), ("pengemudi_amb", "MO")],
    "PKM-SCN": [("kapus", "S"), ("ka_tu", "MO"), ("dokter_p", "MY"), ("dokter_p", "N"),
                ("drg_p", "MO"), ("bidan_py", "S"), ("bidan_m", "S"), ("bidan_m", "MY"),
                ("bidan_t", "N"), ("bidan_t", "MY"), ("perawat_py", "S"), ("perawat_m", "S"),
                ("perawat_t", "MY"), ("perawat_ap", "N"), ("perawat_t", "MO"), ("tgm", "MO"),
                ("asapt", "MY"), ("plk", "MY"), ("nutri", "MO"), ("sanit", "S"), ("pkm_ap", "MO"),
                ("perekam", "MY"), ("bendahara", "MO"), ("adm_umum", "S"), ("adm_umum", "MY"),
                ("pengemudi_amb", "S")],
    "PUSTU-BHR": [("bidan_m", "S"), ("bidan_t", "MY"), ("perawat_t", "MO"), ("perawat_m", "S"),
                  ("adm_umum", "MY")],
    "PUSTU-BHG": [("bidan_m", "MO"), ("bidan_t", "MY"), ("perawat_t", "MY"), ("perawat_m", "S")],
    "PUSTU-BGD": [("bidan_py", "S"), ("bidan_t", "MY"), ("bidan_t", "N"), ("perawat_m", "MO"),
                  ("perawat_t", "MY"), ("tgm", "MY")],
    "PUSTU-CKP": [("bidan_m", "S"), ("bidan_t", "MO"), ("perawat_t", "MY"), ("perawat_ap", "MY"),
                  ("asapt", "MO")],
}
for k, n in KEL_SIZE.items():
    ROSTER[k] = KEL_BASE + KEL_EXTRA[: n - len(KEL_BASE)]

# TMT CPNS (year, month) per seniority; months follow the usual appointment batches.
TMT_CHOICES = {
    "S": [(y, m) for y in range(1993, 2010) for m in (1, 3, 4, 12)],
    "MO": [(2010, 1), (2010, 4), (2011, 3), (2011, 4), (2014, 12), (2015, 3), (2015, 4)],
    "MY": [(2017, 4), (2018, 3), (2019, 2), (2019, 3), (2020, 3), (2021, 2), (2022, 4), (2022, 6), (2023, 6)],
    "N": [(2024, 6), (2024, 7), (2025, 6), (2025, 10), (2026, 3), (2026, 6)],
}

# --------------------------------------------------------------------------
# Names (fictional): Batak Toba and Mandailing, Karo, Malay, Javanese, Minang,
# Chinese-Indonesian, and mixes.

TOBA_MARGA = ["Simanjuntak", "Sitompul", "Pardede", "Hutagalung", "Sinaga", "Situmorang",
              "Tambunan", "Manurung", "Panjaitan", "Sihombing", "Napitupulu", "Silalahi",
              "Sitorus", "Marpaung", "Hutapea", "Pasaribu", "Simatupang", "Siahaan", "Butarbutar"]
MANDAILING_MARGA = ["Nasution", "Lubis", "Harahap", "Siregar", "Hasibuan", "Rangkuti", "Daulay",
                    "Pulungan", "Dalimunthe", "Batubara", "Ritonga", "Matondang", "Tanjung"]
KARO_MARGA = ["Ginting", "Tarigan", "Sembiring", "Perangin-angin", "Sitepu", "Surbakti", "Barus", "Purba"]
SIMALUNGUN_MARGA = ["Saragih", "Damanik", "Purba", "Sinaga"]
CHR_M = ["Hotman", "Parlindungan", "Tigor", "Marihot", "Sahat", "Bonar", "Jhonson", "Roy Hamonangan",
         "Daniel", "Benny", "Fernando", "Jonathan", "Rudolf", "Manahan", "Poltak", "Togar", "Robert",
         "Samuel", "Hendrik", "Immanuel", "Frans", "Andreas", "Josua"]
CHR_F = ["Tiurma", "Lasma", "Rosmawati", "Friska", "Monalisa", "Yohana", "Debora", "Elfrida",
         "Ruth Magdalena", "Rotua", "Nurcahaya", "Sondang", "Romauli", "Herlina", "Kristina",
         "Grace", "Natalia", "Esther", "Lamria", "Dameria", "Rumondang", "Yosephine"]
MUS_M = ["Muhammad Ridwan", "Ahmad Fauzi", "Rahmat", "Syahrial", "Zulkifli", "Khairul Anwar",
         "Irwansyah", "Fadli", "Rizky Ananda", "Hafiz", "Iskandar", "Azhar", "Muhammad Arif",
         "Ilham", "Taufik Hidayat", "Rusdi", "Syafrizal", "Amiruddin", "Muhammad Iqbal", "Fauzan",
         "Andi Saputra", "Abdul Halim", "Nurdin", "Fachri", "Habibi", "Zulfahmi", "Ikhsan"]
MUS_F = ["Siti Aisyah", "Nurhayati", "Nurul Hidayah", "Siti Rahmah", "Fitri Handayani", "Nur Aini",
         "Rahmawati", "Ayu Lestari", "Dewi Sartika", "Ernawati", "Fatimah", "Mardiana", "Nurhalimah",
         "Rini Astuti", "Aulia Rahmi", "Nabila", "Khairunnisa", "Annisa Putri", "Yusnidar", "Zahara",
         "Hafsah", "Maimunah", "Rosnani", "Salmiah", "Indah Sari", "Putri Amalia", "Syafitri"]
MELAYU_M_PREFIX = ["Tengku", "T.", "Wan"]
MELAYU_F_PREFIX = ["Tengku", "Syarifah", "Wan", "Cut"]
JAWA_M = ["Sutrisno", "Bambang Hermanto", "Joko Susilo", "Eko Prasetyo", "Wahyu Hidayat",
          "Slamet Riyadi", "Budi Santoso", "Agus Salim", "Suparman", "Heru Purnomo", "Dwi Cahyono",
          "Teguh Santoso", "Yudi Prasetyo", "Arif Wibowo", "Sugeng Riyadi", "Gilang Ramadhan",
          "Bayu Aji Nugroho", "Suyanto", "Purwanto", "Anggi Saputra"]
JAWA_F = ["Sri Wahyuni", "Endang Susilawati", "Dwi Astuti", "Rina Kartika", "Sumiati", "Suwarni",
          "Tri Handayani", "Yuliani", "Sulastri", "Wulan Sari", "Ratna Dewi", "Puji Lestari",
          "Indah Permatasari", "Dinda Ayu Pratiwi", "Sekar Ayu", "Sri Mulyani", "Eka Wulandari",
          "Suryani", "Tutik Rahayu"]
MINANG_M = ["Afrizal", "Yusrizal", "Hendra Gunawan", "Rahmat Hidayat", "Erizal", "Zulhendri",
            "Jufri", "Roni Saputra", "Yasrizal", "Defrizal", "Fadhil"]
MINANG_F = ["Yelni Marlina", "Rosdiana", "Elvi Yanti", "Desmawati", "Yuliarni", "Nofriyanti",
            "Yenti", "Fitria", "Rahmi Yulia", "Nelfi", "Vivi Oktavia"]
MINANG_SUKU = ["Chaniago", "Piliang", "Koto", "Sikumbang", "Jambak", "Caniago", "Tanjung"]
CINA_M = ["Hendra", "Willy", "Johan", "Eddy", "Kevin", "Rudy", "Steven", "Ricky", "Jimmy", "Sunardi"]
CINA_F = ["Lily", "Susanti", "Meilina", "Yenny", "Vivian", "Cindy", "Lina", "Sherly", "Veronica", "Mei Ling"]
CINA_SUR = ["Wijaya", "Gunawan", "Halim", "Tanjaya", "Salim", "Kurniawan", "Sutanto", "Lim", "Tan", "Hartono"]

used_names = set()


def base_name(female):
    r = rng.random()
    if r < 0.20:      # Batak Toba, Christian given name
        given = rng.choice(CHR_F if female else CHR_M)
        marga = rng.choice(TOBA_MARGA)
    elif r < 0.38:    # Mandailing / Angkola, Muslim given name
        given = rng.choice(MUS_F if female else MUS_M)
        marga = rng.choice(MANDAILING_MARGA)
    elif r < 0.46:    # Karo / Simalungun
        given = rng.choice((CHR_F + MUS_F[:6]) if female else (CHR_M + MUS_M[:6]))
        marga = rng.choice(KARO_MARGA + SIMALUNGUN_MARGA)
    elif r < 0.63:    # Malay
        name = rng.choice(MUS_F if female else MUS_M)
        if rng.random() < 0.3:
            name = rng.choice(MELAYU_F_PREFIX if female else MELAYU_M_PREFIX) + " " + name
        return name
    elif r < 0.82:    # Javanese (Pujakesuma), sometimes with a Batak marga (mixed family)
        name = rng.choice(JAWA_F if female else JAWA_M)
        if rng.random() < 0.12:
            name += " " + rng.choice(MANDAILING_MARGA + TOBA_MARGA)
        return name
    elif r < 0.95:    # Minang
        name = rng.choice(MINANG_F if female else MINANG_M)
        if rng.random() < 0.5:
            name += " " + rng.choice(MINANG_SUKU)
        return name
    else:             # Chinese-Indonesian
        return rng.choice(CINA_F if female else CINA_M) + " " + rng.choice(CINA_SUR)
    if female and rng.random() < 0.3:
        return given + " br. " + marga
    return given + " " + marga


used_given = set()   # (unit, first word): no two "Yelni ..." in one office


def person_name(female, title_kind, unit):
    while True:
        n = base_name(female)
        given = (unit, n.split()[-2] if n.split()[0] in MELAYU_F_PREFIX + MELAYU_M_PREFIX and len(n.split()) > 2
                 else n.split()[0])
        if n not in used_names and given not in used_given:
            used_names.add(n)
            used_given.add(given)
            break
    if title_kind == "dr":
        return "dr. " + n + (", M.Kes." if rng.random() < 0.25 else "")
    if title_kind == "drg":
        return "drg. " + n
    if title_kind == "apt":
        return "apt. " + n + ", S.Farm."
    if title_kind != "none" and rng.random() < 0.65:
        return n + rng.choice(TITLES[title_kind])
    return n


# --------------------------------------------------------------------------
# ASN

def add_years(d, years):
    try:
        return d.replace(year=d.year + years)
    except ValueError:            # 29 February
        return d.replace(year=d.year + years, day=28)


def nip_ok(nip, today=TODAY):
    """The NIP rules (Perka BKN 22/2007) as renbin's validator states them."""
    if not re.fullmatch(r"\d{18}", nip):
        return False
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return False
    ty, tm = int(nip[8:12]), int(nip[12:14])
    if not 1 <= tm <= 12:
        return False
    if (ty, tm) > (today.year, today.month):
        return False
    b18 = add_years(birth, 18)
    if (ty, tm) < (b18.year, b18.month):
        return False
    return nip[14] in "12" and 1 <= int(nip[15:18]) <= 999


asn = []            # dicts: NIP nama unit jabatan golongan tmt + role seniority birth sex
nips = set()

for code, _, _ in UNITS:
    for role, sen in ROSTER[code]:
        jab, edu, glo, ghi, pfem, tkind, bup60 = ROLES[role]
        female = rng.random() < pfem
        gent, amin, amax = EDU[edu]
        min_birth = dt.date(1967, 1, 1) if bup60 else dt.date(1970, 1, 1)
        while True:     # an appointment month and a birth date that fit together
            ty, tm = rng.choice(TMT_CHOICES[sen])
            by = ty - rng.randint(amin, amax)
            bm = rng.randint(1, 12)
            bd = rng.randint(1, calendar.monthrange(by, bm)[1])
            birth = dt.date(by, bm, bd)
            b18 = add_years(birth, 18)
            if min_birth <= birth <= dt.date(2001, 12, 31) and (b18.year, b18.month) <= (ty, tm):
                break
        while True:
            seq = rng.choice([1, 1, 1, 2, 2, 3, 4, 5]) if rng.random() < 0.8 else rng.randint(6, 40)
            nip = "%04d%02d%02d%04d%02d%d%03d" % (by, bm, bd, ty, tm, 2 if female else 1, seq)
            if nip not in nips:
                nips.add(nip)
                break
        months = (TODAY.year - ty) * 12 + TODAY.month - tm
        g = G[gent] + (months // 12) // 4
        g = max(G[glo], min(G[ghi], g))
        asn.append({
            "NIP": nip, "nama": person_name(female, tkind, code), "unit": code, "jabatan": jab,
            "golongan": GOLONGAN[g], "tmt": "%04d-%02d-01" % (ty, tm),
            "role": role, "sen": sen, "female": female,
        })

by_nip = {a["NIP"]: a for a in asn}


def in_unit(code):
    return [a for a in asn if a["unit"] == code]


# --------------------------------------------------------------------------
# Competencies

COMPETENCIES = [
    ("K-ANG", "Pengelolaan anggaran", "teknis"),
    ("K-WKT", "Manajemen waktu", "manajerial"),
    ("K-KOM", "Komunikasi efektif", "sosial-kultural"),
    ("K-PRO", "Manajemen proyek", "manajerial"),
    ("K-PLY", "Pelayanan publik prima", "teknis"),
    ("K-ADM", "Administrasi kependudukan", "teknis"),
    ("K-ARS", "Kearsipan", "teknis"),
    ("K-SPBE", "Sistem pemerintahan berbasis elektronik", "teknis"),
    ("K-KES", "Pelayanan kesehatan dasar", "teknis"),
    ("K-KEP", "Kepemimpinan", "manajerial"),
    ("K-INT", "Integritas dan antikorupsi", "sosial-kultural"),
    ("K-PGD", "Penanganan pengaduan", "teknis"),
    # deliberately without a 2027 program: the gap the needs report should show
    ("K-BCN", "Kesiapsiagaan bencana dan penanganan banjir rob", "teknis"),
]

# --------------------------------------------------------------------------
# Programs of the 2027 plan

D = dt.date.fromisoformat
PROGRAMS = [
    # code, title, method, competency, partner, speaker, start, end, jp, capacity
    ("ANG-01", "Bimbingan Teknis Pengelolaan Anggaran dan Penatausahaan Keuangan Daerah", "bimtek", "K-ANG",
     "BPSDM Provinsi Sumatera Utara", "Drs. Syahrial Lubis, M.AP.", "2027-01-25", "2027-01-27", 24, 30),
    ("MW-01", "Manajemen Waktu", "pelatihan", "K-WKT",
     "Politeknik Negeri Medan", "Dr. Rina Wahyuni Harahap, S.Sos., M.Si.", "2027-02-10", "2027-02-12", 24, 30),
    ("SPBE-01", "E-Learning Dasar-Dasar SPBE dan Keamanan Informasi", "e-learning", "K-SPBE",
     "LAN RI", "Ir. Bonar Situmorang, M.Kom.", "2027-03-01", "2027-03-26", 20, 20),
    ("ADM-01", "Bimbingan Teknis Administrasi Kependudukan dan SIAK", "bimtek", "K-ADM",
     "Universitas Negeri Medan", "Muhammad Iqbal Nasution, S.Kom., M.Kom.", "2027-03-02", "2027-03-03", 16, 30),
    ("KE-01", "Komunikasi Efektif", "workshop", "K-KOM",
     "Universitas Sumatera Utara", "Prof. Dr. Marlina Sembiring, M.Si.", "2027-03-16", "2027-03-17", 10, 35),
    ("KES-01", "Pelatihan Manajemen Terpadu Balita Sakit (MTBS) bagi Tenaga Puskesmas", "pelatihan", "K-KES",
     "Universitas Sumatera Utara", "dr. Yenny Halim, M.Ked(Ped)., Sp.A.", "2027-04-05", "2027-04-08", 30, 25),
    ("PP-01", "Manajemen Proyek", "pelatihan", "K-PRO",
     "Universitas Negeri Medan", "Dr. Ir. Hasanuddin Siregar, M.T.", "2027-04-19", "2027-04-22", 30, 25),
    ("PLY-01", "Pelatihan Pelayanan Publik Prima", "pelatihan", "K-PLY",
     "LAN RI", "Dr. Endang Susilawati, S.AP., M.AP.", "2027-05-11", "2027-05-13", 24, 40),
    ("ARS-01", "Kursus Kearsipan Dinamis dan Aplikasi SRIKANDI", "kursus", "K-ARS",
     "Politeknik Negeri Medan", "Dra. Tiurma Simanjuntak, M.Hum.", "2027-06-08", "2027-06-10", 24, 25),
    ("INT-01", "Sosialisasi Budaya Integritas dan Pencegahan Korupsi", "sosialisasi", "K-INT",
     "BPSDM Provinsi Sumatera Utara", "Dr. Ahmad Fauzi Rangkuti, S.H., M.H.", "2027-06-22", "2027-06-22", 4, 40),
    ("PLY-02", "Magang Pelayanan Terpadu di Mal Pelayanan Publik Kota Medan", "magang", "K-PLY",
     "BPSDM Provinsi Sumatera Utara", "Rahmawati Daulay, S.Sos., M.Si.", "2027-07-05", "2027-07-16", 40, 20),
    ("KEP-01", "Coaching Kepemimpinan bagi Pejabat Pengawas", "coaching", "K-KEP",
     "LAN RI", "Dr. Parlindungan Sitorus, M.Si.", "2027-08-02", "2027-10-29", 20, 20),
    ("PGD-01", "Workshop Penanganan Pengaduan dan SP4N-LAPOR!", "workshop", "K-PGD",
     "Universitas Negeri Medan", "Yusrizal Chaniago, S.IP., M.AP.", "2027-09-14", "2027-09-15", 10, 30),
    ("MW-02", "Manajemen Waktu (Angkatan II)", "pelatihan", "K-WKT",
     "Politeknik Negeri Medan", "Dr. Rina Wahyuni Harahap, S.Sos., M.Si.", "2027-11-09", "2027-11-11", 24, 30),
]
PROG = {p[0]: p for p in PROGRAMS}


def held(p):
    return D(p[7]) < HELD_BEFORE


# --------------------------------------------------------------------------
# Needs per unit

NEEDS = [
    ("BKPSDM", "K-SPBE", "tinggi", "Integrasi data kepegawaian SIMPEG dengan SIASN BKN menuntut pemahaman SPBE"),
    ("BKPSDM", "K-KEP", "sedang", "Penyiapan pejabat pengawas untuk kaderisasi kepemimpinan"),
    ("KEC-MBLW", "K-ANG", "tinggi", "Temuan pemeriksaan atas penatausahaan keuangan tahun 2026"),
    ("KEC-MBLW", "K-PRO", "sedang", "Pengawasan kegiatan fisik hasil Musrenbang belum terjadwal dengan baik"),
    ("KEC-MBLW", "K-PGD", "sedang", "Pengaduan warga melalui SP4N-LAPOR! sering terlambat ditindaklanjuti"),
    ("KEL-BLW1", "K-ADM", "tinggi", "Antrean pengurusan dokumen kependudukan di kantor lurah"),
    ("KEL-BLW1", "K-WKT", "sedang", "Penyelesaian surat keterangan sering melewati standar waktu layanan"),
    ("KEL-BLW2", "K-PLY", "tinggi", "Keluhan warga terhadap sikap petugas loket"),
    ("KEL-BLW2", "K-ARS", "rendah", "Arsip surat keluar belum tertata sejak pindah gedung"),
    ("KEL-BHR", "K-ADM", "tinggi", "Banyak warga nelayan belum memiliki KTP-el dan KK yang mutakhir"),
    ("KEL-BHR", "K-BCN", "sedang", "Banjir rob berulang mengganggu layanan dan pendataan warga terdampak"),
    ("KEL-BHG", "K-PLY", "sedang", "Standar pelayanan belum dipahami seluruh staf"),
    ("KEL-BHG", "K-KOM", "rendah", "Penyampaian informasi kepada kepala lingkungan belum efektif"),
    ("KEL-SCN", "K-ADM", "tinggi", "Wilayah kepulauan, banyak data penduduk belum padan"),
    ("KEL-SCN", "K-BCN", "tinggi", "Kawasan pesisir rawan abrasi dan rob, belum ada rencana kontinjensi"),
    ("KEL-BGD", "K-BCN", "tinggi", "Rob hampir setiap bulan purnama, posko belum terorganisasi"),
    ("KEL-BGD", "K-PGD", "sedang", "Nilai unsur penanganan pengaduan SKM 2026 rendah"),
    ("KEL-BGD", "K-ADM", "sedang", "Petugas baru belum menguasai aplikasi SIAK"),
    ("PKM-BLW", "K-KES", "tinggi", "Cakupan MTBS dan imunisasi dasar lengkap belum mencapai target"),
    ("PKM-BLW", "K-KOM", "sedang", "Keluhan pasien tentang informasi alur pelayanan"),
    ("PKM-BLW", "K-PGD", "sedang", "Kotak saran jarang dibuka dan tidak ada tindak lanjut tertulis"),
    ("PKM-SCN", "K-KES", "tinggi", "Tenaga kesehatan baru perlu penguatan pelayanan dasar"),
    ("PKM-SCN", "K-INT", "rendah", "Persiapan pembangunan zona integritas puskesmas"),
    ("PUSTU-BHR", "K-KES", "tinggi", "Pelayanan KIA di pustu dengan tenaga terbatas"),
    ("PUSTU-BHG", "K-KOM", "sedang", "Edukasi kesehatan kepada ibu balita belum efektif"),
    ("PUSTU-BGD", "K-KES", "tinggi", "Akses ke puskesmas induk sulit saat rob, pustu menjadi layanan pertama"),
    ("PUSTU-CKP", "K-KES", "sedang", "Penyegaran tata laksana balita sakit"),
    ("PUSTU-CKP", "K-PLY", "rendah", "Standar pelayanan pustu belum dipasang dan disosialisasikan"),
]

# --------------------------------------------------------------------------
# Enrollments

STRUCT_WORDS = ("Kepala Seksi", "Kepala Subbagian", "Sekretaris", "Lurah")
KEU_WORDS = ("Bendahara", "Keuangan", "Sekretaris", "Kepala Subbagian", "Lurah", "Kepala Puskesmas", "Camat")
HEALTH_CLIN = ("Dokter", "Bidan", "Perawat", "Nutrisionis", "Terapis", "Kepala Puskesmas")


def eligible(prog_code, a):
    comp = PROG[prog_code][3]
    j = a["jabatan"]
    if comp == "K-KES":
        return a["unit"] in HEALTH and any(w in j for w in HEALTH_CLIN)
    if comp == "K-ADM":
        return a["unit"] in KEL + ["KEC-MBLW"] and j not in ("Lurah", "Camat", "Pengemudi")
    if comp == "K-ANG":
        return any(w in j for w in KEU_WORDS) or a["role"] == "ka_tu"
    if comp == "K-KEP":
        return any(w in j for w in STRUCT_WORDS) or "Ahli Muda" in j
    if comp == "K-ARS":
        return "Dokter" not in j and j not in ("Camat", "Lurah", "Pengemudi", "Pengemudi Ambulans")
    if comp == "K-PRO":
        return a["role"] not in ("pengemudi", "pengemudi_amb", "opl", "adm_kantor") and a["unit"] not in HEALTH[2:]
    return a["role"] not in ("pengemudi", "pengemudi_amb")


enrollments = []   # (program, nip, status)
selesai_in = {}    # nip -> list of programs completed


def need_units(comp):
    return [n[0] for n in NEEDS if n[1] == comp]


for p in PROGRAMS:
    code, comp, cap = p[0], p[3], p[9]
    if held(p):
        n = round(cap * rng.uniform(0.62, 0.9))
    else:
        n = round(cap * rng.uniform(0.45, 0.8))
    pool = [a for a in asn if eligible(code, a)]
    if code == "MW-02":  # second batch: not those who completed the first
        pool = [a for a in pool if "MW-01" not in selesai_in.get(a["NIP"], [])]
    nu = need_units(comp)
    first = [a for a in pool if a["unit"] in nu]
    rest = [a for a in pool if a["unit"] not in nu]
    rng.shuffle(first)
    rng.shuffle(rest)
    take_first = min(len(first), max(round(n * 0.65), n - len(rest)))
    chosen = first[:take_first] + rest[: n - take_first]
    assert len(chosen) <= cap
    chosen.sort(key=lambda a: (a["unit"], a["NIP"]))
    # PP-01: two attended but have not handed in the final project plan yet
    hadir_idx = rng.sample(range(len(chosen)), 2) if code == "PP-01" else []
    for idx, a in enumerate(chosen):
        if held(p):
            r = rng.random()
            if r < 0.07:
                st = "tidak-hadir"
            elif r < 0.13:
                st = "batal"
            elif idx in hadir_idx:
                st = "hadir"
            else:
                st = "selesai"
        else:
            st = "terdaftar"
        enrollments.append((code, a["NIP"], st))
        if st == "selesai":
            selesai_in.setdefault(a["NIP"], []).append(code)

# --------------------------------------------------------------------------
# Evaluations (Kirkpatrick level 1): materi, penyampaian, aplikasi

EVAL_PROFILE = {   # mean rating per dimension; the low one is the program's weak spot
    "ANG-01": (4.4, 3.6, 4.2), "MW-01": (4.5, 4.6, 4.3), "SPBE-01": (4.0, 3.6, 3.9),
    "ADM-01": (4.3, 4.2, 4.5), "KE-01": (4.6, 4.7, 4.4), "KES-01": (4.6, 4.4, 4.7),
    "PP-01": (4.4, 4.3, 3.2), "PLY-01": (4.5, 4.4, 4.2), "ARS-01": (4.2, 4.3, 3.5),
    "INT-01": (4.1, 4.0, 3.9),
}
COMMENTS = {
    "ANG-01": ["Narasumber menjelaskan terlalu cepat, perlu contoh pengisian SIPD.",
               "Materi penatausahaan sangat membantu tugas bendahara.",
               "Mohon slide dibagikan sebelum sesi dimulai.",
               "Waktu praktik penyusunan SPJ kurang."],
    "MW-01": ["Teknik prioritas Eisenhower langsung bisa dipakai di kantor.",
              "Fasilitator interaktif, suasana kelas menyenangkan.",
              "Sebaiknya ada sesi tindak lanjut setelah satu bulan.",
              "Materi bagus, tetapi jadwal hari ketiga terlalu padat."],
    "SPBE-01": ["Video modul sering terputus karena jaringan di kantor lemah.",
                "Forum diskusi daring kurang ditanggapi fasilitator."],
    "ADM-01": ["Praktik langsung di aplikasi SIAK sangat bermanfaat.",
               "Perlu bimtek lanjutan untuk perekaman KTP-el.",
               "Materi perubahan data KK jelas dan aplikatif."],
    "KE-01": ["Simulasi melayani warga yang marah sangat berguna.",
              "Narasumber komunikatif dan memberi banyak contoh nyata.",
              "Kalau bisa durasi ditambah satu hari."],
    "KES-01": ["Bagan MTBS langsung diterapkan di poli anak.",
               "Praktik kasus di puskesmas sangat membantu.",
               "Mohon disediakan buku bagan untuk pustu."],
    "PP-01": ["Materi bagus tetapi contoh proyeknya jauh dari kegiatan kelurahan.",
              "Sulit menerapkan Gantt chart tanpa aplikasi di kantor.",
              "Perlu studi kasus kegiatan Musrenbang, bukan proyek konstruksi besar.",
              "Narasumber menguasai materi.",
              "Aplikasi praktisnya kurang, terlalu banyak teori."],
    "PLY-01": ["Standar pelayanan dan maklumat pelayanan dijelaskan dengan baik.",
               "Role play pelayanan di loket sangat membantu.",
               "Perlu materi pelayanan bagi penyandang disabilitas."],
    "ARS-01": ["Akun SRIKANDI kantor belum aktif, jadi belum bisa dipraktikkan.",
               "Materi klasifikasi arsip jelas.",
               "Perlu pendampingan saat migrasi arsip lama."],
    "INT-01": ["Contoh kasus gratifikasi di pelayanan sangat relevan.",
               "Materi baik, waktunya terlalu singkat."],
}


def rate(mean, lo, hi, sd):
    return max(lo, min(hi, int(round(rng.gauss(mean, sd)))))


evaluations = []
for code in [p[0] for p in PROGRAMS if held(p)]:
    done = [e for e in enrollments if e[0] == code and e[2] == "selesai"]
    if code == "SPBE-01":
        resp = done[:2]          # low response on the e-learning: hidden (n < 3) in reports
    else:
        resp = [e for e in done if rng.random() < 0.85]
    m, pny, apl = EVAL_PROFILE[code]
    for e in resp:
        c = rng.choice(COMMENTS[code]) if rng.random() < 0.6 else ""
        evaluations.append((code, e[1], rate(m, 1, 5, 0.6), rate(pny, 1, 5, 0.6), rate(apl, 1, 5, 0.6), c))

# --------------------------------------------------------------------------
# Competency assessments: 2026-S2 baseline, 2027-S1, some 2027-S2

NOTES_UP = ["Meningkat setelah mengikuti {p}", "Sudah menerapkan hasil {p} dalam tugas",
            "Mampu bekerja mandiri, perlu pemantapan", "Peningkatan terlihat pada hasil kerja"]
NOTES_FLAT = ["Belum ada perubahan berarti", "Perlu pelatihan atau pendampingan",
              "Belum mengikuti pengembangan kompetensi terkait", "Masih perlu bimbingan atasan"]
NOTES_BASE = ["Penilaian awal oleh atasan langsung", "Hasil uji kompetensi awal", "",
              "Penilaian awal berdasarkan kinerja semester"]

assessments = []
pairs_done = [(e[1], PROG[e[0]][3], e[0]) for e in enrollments if e[2] == "selesai"]
rng.shuffle(pairs_done)
seen = set()
picked = []
for nip, comp, code in pairs_done:
    if (nip, comp) in seen:
        continue
    seen.add((nip, comp))
    picked.append((nip, comp, code))
    if len(picked) == 45:
        break
# people in units with a need who have not completed a matching program
not_done = []
for unit, comp, _, _ in NEEDS:
    for a in in_unit(unit):
        if (a["NIP"], comp) not in seen and not any(PROG[c][3] == comp for c in selesai_in.get(a["NIP"], [])):
            not_done.append((a["NIP"], comp, None))
rng.shuffle(not_done)
flat = []
for t in not_done:
    if (t[0], t[1]) not in seen:
        seen.add((t[0], t[1]))
        flat.append(t)
    if len(flat) == 25:
        break
picked.sort()
flat.sort()

for i, (nip, comp, code) in enumerate(picked):
    b = rng.choice([1, 2, 2, 2, 3, 3, 3])
    s1 = min(5, b + rng.choice([1, 1, 1, 2, 0]))
    assessments.append((nip, comp, "2026-S2", b, rng.choice(NOTES_BASE)))
    assessments.append((nip, comp, "2027-S1", s1,
                        rng.choice(NOTES_UP).format(p=code) if s1 > b else rng.choice(NOTES_FLAT[:2])))
    if i % 3 == 0:
        s2 = min(5, s1 + rng.choice([0, 1, 1]))
        assessments.append((nip, comp, "2027-S2", s2,
                            "Stabil, siap menjadi pendamping rekan kerja" if s2 >= 4 else "Terus meningkat"))
for i, (nip, comp, _) in enumerate(flat):
    b = rng.choice([1, 1, 2, 2, 3])
    assessments.append((nip, comp, "2026-S2", b, rng.choice(NOTES_BASE)))
    if i % 5 != 4:          # a few were not reassessed yet
        s1 = max(1, min(5, b + rng.choice([0, 0, 0, 1, -1])))
        assessments.append((nip, comp, "2027-S1", s1, rng.choice(NOTES_FLAT)))
assessments.sort(key=lambda r: (by_nip[r[0]]["unit"], r[0], r[1], r[2]))

# --------------------------------------------------------------------------
# Mentoring: a senior mentors a new ASN (TMT 2024-2026) of the same unit

MENTOR_PLAN = [  # unit, mentor roles (preferred order), topic, competency, from, to
    ("KEC-MBLW", ["pengelola_keu", "kasubag_prog", "bendahara"], "Pengelolaan anggaran", "K-ANG", "2027-01-11", "2027-06-30"),
    ("KEC-MBLW", ["kasubag_umum", "arsip", "adm_umum"], "Kearsipan dan tata naskah dinas", "K-ARS", "2027-01-18", "2027-09-30"),
    ("KEL-BLW1", ["kasi_pem", "seklur"], "Administrasi kependudukan", "K-ADM", "2027-01-11", "2027-06-30"),
    ("KEL-BLW2", ["seklur", "kasi_pem"], "Pelayanan publik prima di loket kelurahan", "K-PLY", "2027-02-01", "2027-07-31"),
    ("KEL-BHR", ["kasi_pem", "adm_umum"], "Administrasi kependudukan", "K-ADM", "2027-01-18", "2027-12-17"),
    ("KEL-BHG", ["seklur", "kasi_pm"], "Pengelolaan anggaran kelurahan", "K-ANG", "2027-02-01", "2027-09-30"),
    ("KEL-SCN", ["kasi_pem", "seklur"], "Administrasi kependudukan", "K-ADM", "2027-01-25", "2027-09-30"),
    ("KEL-BGD", ["kasi_trantib", "seklur"], "Penanganan pengaduan masyarakat", "K-PGD", "2027-02-08", "2027-09-30"),
    ("PKM-BLW", ["bidan_py", "bidan_m"], "Pelayanan KIA dan imunisasi", "K-KES", "2027-01-11", "2027-06-30"),
    ("PKM-BLW", ["perawat_py", "perawat_muda"], "Asuhan keperawatan dasar di poli umum", "K-KES", "2027-01-18", "2027-12-17"),
    ("PKM-SCN", ["bidan_py", "perawat_py"], "Pelayanan kesehatan dasar", "K-KES", "2027-01-25", "2027-09-30"),
    ("BKPSDM", ["asdm_muda", "asdm_madya"], "Pengelolaan data kepegawaian dan SIASN", "K-SPBE", "2027-02-01", "2027-12-17"),
]
MENTEE_PREF = {"K-ANG": ["akeb_p", "penata_lo", "opl"], "K-ARS": ["adm_kantor", "prakom_t", "opl"],
               "K-ADM": ["opl", "penata_lo"], "K-PLY": ["opl", "penata_lo"], "K-PGD": ["penata_lo", "opl"],
               "K-KES": ["bidan_ap", "bidan_t", "perawat_ap", "dokter_p"], "K-SPBE": ["asdm_p", "penata_lo"]}
STALE_PAIR = 6     # index in MENTOR_PLAN: no log for over 30 days before 2027-06-30

mentoring = []
used_mentor, used_mentee = set(), set()
for unit, mroles, topic, comp, frm, to in MENTOR_PLAN:
    people = in_unit(unit)
    new = [a for a in people if a["sen"] == "N" and a["NIP"] not in used_mentee]
    new.sort(key=lambda a: (MENTEE_PREF[comp].index(a["role"]) if a["role"] in MENTEE_PREF[comp] else 99, a["NIP"]))
    mentee = new[0]
    cands = [a for a in people if a["role"] in mroles and a["NIP"] not in used_mentor and a["tmt"] < mentee["tmt"]]
    cands.sort(key=lambda a: (mroles.index(a["role"]), a["tmt"]))
    mentor = cands[0]
    used_mentor.add(mentor["NIP"])
    used_mentee.add(mentee["NIP"])
    mentoring.append((mentor["NIP"], mentee["NIP"], topic, comp, frm, to))

LOG_NOTES = {
    "K-ANG": ["Membahas struktur DPA dan kode rekening belanja", "Latihan menyusun SPJ belanja ATK",
              "Review rencana penarikan dana triwulan II", "Praktik input realisasi di SIPD",
              "Membahas temuan pemeriksaan dan tindak lanjutnya", "Mentee menyusun laporan realisasi secara mandiri"],
    "K-ARS": ["Pengenalan klasifikasi arsip dan tata naskah dinas", "Praktik penomoran surat keluar",
              "Menata arsip aktif di ruang sekretariat", "Latihan registrasi surat di SRIKANDI",
              "Menyusun daftar arsip inaktif", "Evaluasi: mentee mengelola agenda surat sendiri"],
    "K-ADM": ["Alur pelayanan surat pengantar KK dan KTP-el", "Praktik verifikasi berkas pindah datang",
              "Pendampingan pelayanan di loket pada hari Senin", "Membahas kasus data ganda penduduk",
              "Latihan penggunaan SIAK untuk perubahan biodata", "Mentee melayani loket secara mandiri"],
    "K-PLY": ["Membaca standar pelayanan dan maklumat pelayanan", "Observasi pelayanan loket",
              "Latihan menghadapi warga yang mengeluh", "Membahas hasil SKM triwulan I",
              "Mentee memandu layanan di loket", "Refleksi dan rencana perbaikan layanan"],
    "K-PGD": ["Pengenalan SP4N-LAPOR! dan alur disposisi", "Membahas pengaduan rob dan drainase",
              "Latihan menyusun jawaban pengaduan", "Pendampingan verifikasi pengaduan di lapangan",
              "Rekap pengaduan triwulan I", "Mentee menjawab pengaduan secara mandiri"],
    "K-KES": ["Pendampingan pemeriksaan ibu hamil (ANC)", "Praktik pencatatan kohort bayi",
              "Persiapan dan pelaksanaan posyandu", "Pemberian imunisasi dasar di bawah supervisi",
              "Tata laksana balita sakit dengan bagan MTBS", "Mentee menangani pelayanan secara mandiri"],
    "K-SPBE": ["Pengenalan SIASN dan peremajaan data", "Validasi data riwayat jabatan",
               "Praktik usul layanan kenaikan pangkat daring", "Menyusun laporan data JP ASN",
               "Membahas keamanan akun dan data pribadi", "Mentee mengelola peremajaan data sendiri"],
}

logs = []
for i, (mentor, mentee, topic, comp, frm, to) in enumerate(mentoring):
    start = D(frm)
    end = min(D(to), SNAPSHOT)
    k = rng.randint(2, 6)
    if i == STALE_PAIR:
        last_allowed = D("2027-05-14")
        days = sorted([rng.randint(3, 20)] + rng.sample(range(21, (last_allowed - start).days + 1), k - 1))
    else:
        first_part = sorted([rng.randint(3, 20)] + rng.sample(range(21, (D("2027-05-31") - start).days), k - 2))
        days = first_part + [(D("2027-06-01") - start).days + rng.randint(0, (end - D("2027-06-01")).days)]
    p0 = rng.randint(1, 2)
    p1 = min(5, p0 + k - 1) if i == STALE_PAIR else rng.randint(max(p0 + 1, 3), min(5, p0 + k + 1))
    steps = sorted([p0, p1] + [rng.randint(p0, p1) for _ in range(k - 2)])   # rising, never falling
    notes = LOG_NOTES[comp]
    for j, d in enumerate(days):
        prog = steps[j]
        note = notes[round(j * (len(notes) - 1) / (k - 1))] if i != STALE_PAIR else notes[j]
        logs.append((mentor, mentee, (start + dt.timedelta(days=d)).isoformat(),
                     rng.choice([45, 60, 60, 90, 90, 120, 150, 180]), note, prog))

# --------------------------------------------------------------------------
# SKM (PermenPAN-RB 14/2017): u1..u9 scored 1-4

SERVICES = {
    "KEC-MBLW": ["Pelayanan KTP-el", "Pelayanan Kartu Keluarga", "Rekomendasi Izin Keramaian", "Surat Keterangan Ahli Waris"],
    "KEL-BLW1": ["Surat Keterangan Domisili", "Surat Pengantar Nikah", "Surat Keterangan Tidak Mampu"],
    "KEL-BLW2": ["Surat Keterangan Domisili", "Surat Keterangan Usaha", "Surat Keterangan Tidak Mampu"],
    "KEL-BHR": ["Surat Keterangan Domisili", "Surat Pengantar KTP-el dan KK", "Surat Keterangan Usaha"],
    "KEL-BHG": ["Surat Keterangan Domisili", "Surat Keterangan Tidak Mampu", "Surat Pengantar Nikah"],
    "KEL-SCN": ["Surat Keterangan Domisili", "Surat Pengantar KTP-el dan KK", "Surat Keterangan Usaha"],
    "KEL-BGD": ["Surat Keterangan Domisili", "Surat Keterangan Tidak Mampu", "Surat Pengantar KTP-el dan KK"],
    "PKM-BLW": ["Pelayanan Poli Umum", "Imunisasi", "Pelayanan KIA dan KB", "Pelayanan Poli Gigi"],
    "PKM-SCN": ["Pelayanan Poli Umum", "Imunisasi", "Pelayanan KIA dan KB"],
}
# base mean per period, element offsets (index 0 = u1)
SKM_PROFILE = {
    "KEC-MBLW": ((3.40, 3.45), {2: (-1.00, -0.75), 3: (0.5, 0.5)}),     # waktu penyelesaian (blangko KTP-el)
    "KEL-BLW1": ((3.72, 3.75), {3: (0.3, 0.3)}),
    "KEL-BLW2": ((3.30, 3.40), {6: (-0.3, -0.1), 3: (0.5, 0.5)}),
    "KEL-BHR": ((3.32, 3.35), {8: (-0.85, -0.7), 3: (0.5, 0.5)}),      # penanganan pengaduan
    "KEL-BHG": ((3.62, 3.68), {3: (0.4, 0.3)}),
    "KEL-SCN": ((3.15, 3.22), {7: (-0.5, -0.5), 3: (0.6, 0.6)}),
    "KEL-BGD": ((2.85, 2.95), {2: (-0.45, -0.4), 7: (-0.65, -0.6), 8: (-0.3, -0.3), 3: (0.8, 0.8)}),
    "PKM-BLW": ((3.38, 3.42), {8: (-0.95, -0.8), 2: (-0.2, -0.2), 3: (0.5, 0.5)}),
    "PKM-SCN": ((3.75, 3.78), {3: (0.3, 0.3)}),
}
JOBS = ["wiraswasta", "nelayan", "PNS", "ibu rumah tangga", "pelajar", "buruh", "pedagang",
        "karyawan swasta", "pensiunan", "buruh pelabuhan", "nelayan", "ibu rumah tangga", "pedagang"]
EDUS = ["SD", "SMP", "SMA", "SMA", "SMA", "D3", "S1", "S2"]

surveys = []
for unit in SKM_PROFILE:
    base, off = SKM_PROFILE[unit]
    for pi, period in enumerate(["2027-Q1", "2027-Q2"]):
        n = rng.randint(15, 40) if unit != "KEC-MBLW" else rng.randint(32, 40)
        for _ in range(n):
            svc = rng.choice(SERVICES[unit])
            u = []
            for e in range(9):
                mu = base[pi] + off.get(e, (0.0, 0.0))[pi]
                u.append(rate(mu, 1, 4, 0.55))
            if rng.random() < 0.12:
                age = sex = edu = job = ""
            else:
                if svc in ("Imunisasi", "Pelayanan KIA dan KB"):
                    sex = "P" if rng.random() < 0.9 else "L"
                    age = rng.randint(19, 45)
                    job = "ibu rumah tangga" if sex == "P" and rng.random() < 0.7 else \
                        rng.choice(["wiraswasta", "nelayan", "PNS", "pedagang", "buruh", "karyawan swasta"])
                else:
                    sex = rng.choice("LP")
                    age = rng.randint(17, 80)
                    job = rng.choice(JOBS)
                    if job == "pelajar":
                        age = rng.randint(17, 22)
                    elif job == "pensiunan":
                        age = rng.randint(58, 80)
                    elif job == "ibu rumah tangga":
                        sex = "P"
                    if age < 20 and job not in ("pelajar", "buruh", "nelayan"):
                        job = "pelajar"
                edu = rng.choice(EDUS)
                if job == "pelajar":
                    edu = "SMA"
                elif job == "PNS" and edu in ("SD", "SMP"):
                    edu = "S1"
                if rng.random() < 0.08:
                    age = ""
                if rng.random() < 0.08:
                    job = ""
            surveys.append([unit, svc, period] + u + [age, sex, edu, job])

# --------------------------------------------------------------------------
# Community forums

FORUMS = [
    ("KEL-BLW1", "2027-01-19", "Musrenbang Kelurahan Belawan I",
     "Warga lingkungan 3 dan 5 mengusulkan normalisasi parit dan pemasangan lampu jalan di Jalan Stasiun; "
     "warga meminta jam layanan surat keterangan diperpanjang hingga sore hari.",
     "Usulan parit dan lampu jalan masuk prioritas kelurahan untuk Musrenbang kecamatan; jam layanan loket "
     "diperpanjang sampai pukul 15.00 mulai Februari 2027."),
    ("KEL-BHR", "2027-01-21", "Musrenbang Kelurahan Belawan Bahari",
     "Nelayan mengusulkan tanggul penahan rob dan perbaikan tangkahan; ibu-ibu PKK meminta posyandu pindah ke "
     "lokasi yang tidak tergenang.",
     "Tanggul diusulkan ke Dinas SDABMBK melalui Musrenbang kecamatan; posyandu dipindahkan ke balai lingkungan 7 "
     "berkoordinasi dengan Puskesmas Belawan."),
    ("KEL-BGD", "2027-01-26", "Musrenbang Kelurahan Bagan Deli",
     "Warga mengeluhkan rob hampir setiap purnama dan pengaduan yang tidak pernah dijawab kelurahan.",
     "Kelurahan membuka buku dan nomor WhatsApp pengaduan yang dijawab paling lambat 3 hari kerja; "
     "pembentukan posko siaga rob diajukan ke kecamatan."),
    ("KEC-MBLW", "2027-02-16", "Musrenbang Kecamatan Medan Belawan",
     "Prioritas kecamatan: penanganan rob di Bagan Deli dan Belawan Bahari, jalan lingkungan di Sicanang, "
     "dan percepatan pelayanan KTP-el yang terkendala blangko.",
     "Tiga usulan prioritas diteruskan ke Forum Perangkat Daerah Kota Medan; camat menyurati Dinas Dukcapil "
     "tentang ketersediaan blangko KTP-el."),
    ("PKM-BLW", "2027-03-10", "Forum Konsultasi Publik Pelayanan Puskesmas Belawan",
     "Masyarakat meminta kejelasan alur pendaftaran BPJS, ruang tunggu poli umum yang lebih luas, dan tanggapan "
     "atas isi kotak saran.",
     "Alur pelayanan dipasang di ruang pendaftaran; kotak saran dibuka setiap Jumat dan tanggapannya ditempel "
     "di papan informasi; penambahan kursi tunggu dianggarkan pada perubahan APBD."),
    ("KEL-SCN", "2027-03-24", "Forum Warga Pesisir Belawan Sicanang",
     "Warga pulau meminta pelayanan administrasi kependudukan keliling karena biaya penyeberangan; nelayan "
     "meminta pendataan kartu nelayan.",
     "Kelurahan bersama kecamatan menjadwalkan layanan jemput bola dua kali sebulan; pendataan kartu nelayan "
     "dikoordinasikan dengan dinas terkait."),
    ("KEC-MBLW", "2027-04-14", "Forum Konsultasi Publik Pelayanan KTP-el",
     "Warga mengeluhkan waktu tunggu KTP-el lebih dari dua minggu dan tidak ada kepastian kapan selesai.",
     "Diberlakukan nomor antrean dan tanda terima dengan perkiraan tanggal selesai; status pencetakan "
     "diumumkan setiap Senin di papan informasi dan media sosial kecamatan."),
    ("PKM-SCN", "2027-04-28", "Forum Konsultasi Publik Puskesmas Sicanang",
     "Masyarakat mengapresiasi layanan imunisasi, meminta jadwal dokter gigi yang tetap dan ambulans siaga malam.",
     "Jadwal dokter gigi ditetapkan Selasa dan Kamis; ambulans siaga malam diatur dengan jadwal piket pengemudi."),
    ("KEL-BHG", "2027-05-19", "Rapat Koordinasi Kepala Lingkungan Belawan Bahagia",
     "Kepala lingkungan meminta informasi persyaratan layanan yang seragam untuk disampaikan ke warga.",
     "Kelurahan menerbitkan lembar persyaratan layanan dan membagikannya melalui grup WhatsApp kepala lingkungan."),
    ("KEL-BLW2", "2027-06-09", "Forum Komunikasi Pelayanan Kelurahan Belawan II",
     "Warga mengeluhkan sikap petugas loket yang kurang ramah dan meminta kursi prioritas bagi lansia.",
     "Petugas loket diikutsertakan dalam Pelatihan Pelayanan Publik Prima dan budaya senyum-sapa diterapkan; "
     "kursi prioritas lansia disediakan."),
    ("PUSTU-BGD", "2027-06-16", "Pertemuan Warga dan Kader Posyandu Bagan Deli",
     "Kader meminta pelayanan pustu tetap buka saat rob dan penyuluhan diare setelah banjir.",
     "Pustu menyiapkan jadwal piket saat rob dan penyuluhan diare bersama kader pada minggu berikutnya."),
]

# --------------------------------------------------------------------------
# Write


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(r)


write("units.csv", ["code", "name", "kind"], UNITS)
write("asn.csv", ["NIP", "nama", "unit", "jabatan", "golongan", "tmt"],
      [[a[k] for k in ("NIP", "nama", "unit", "jabatan", "golongan", "tmt")] for a in asn])
write("competencies.csv", ["code", "name", "type"], COMPETENCIES)
write("programs-2027.csv", ["code", "title", "method", "competency", "partner", "speaker", "start", "end", "jp", "capacity"],
      PROGRAMS)
write("needs-2027.csv", ["unit", "competency", "priority", "reason"], NEEDS)
write("enrollments-2027.csv", ["program", "nip", "status"], enrollments)
write("evaluations-2027.csv", ["program", "nip", "materi", "penyampaian", "aplikasi", "comment"], evaluations)
write("assessments.csv", ["nip", "competency", "period", "level", "note"], assessments)
write("mentoring.csv", ["mentor_nip", "mentee_nip", "topic", "competency", "from", "to"], mentoring)
write("mentoring-logs.csv", ["mentor_nip", "mentee_nip", "date", "minutes", "notes", "progress"], logs)
write("surveys-2027.csv", ["unit", "service", "period"] + ["u%d" % i for i in range(1, 10)] + ["age", "sex", "education", "job"],
      surveys)
write("forums-2027.csv", ["unit", "date", "topic", "input", "follow_up"], FORUMS)

# --------------------------------------------------------------------------
# Self-check: re-read the files and assert the rules


def read(name, header):
    with open(os.path.join(OUT, name), encoding="utf-8", newline="") as f:
        r = csv.reader(f)
        rows = list(r)
    assert rows[0] == header, "%s: header %r" % (name, rows[0])
    for i, row in enumerate(rows[1:], 2):
        assert len(row) == len(header), "%s line %d: %d cells" % (name, i, len(row))
        assert all(c == c.strip() for c in row), "%s line %d: untrimmed cell" % (name, i)
    return [dict(zip(header, row)) for row in rows[1:]]


def check_date(s, what):
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", s), "%s: bad date %r" % (what, s)
    return D(s)


def ikm(rows):
    nrr = [sum(int(r["u%d" % i]) for r in rows) / len(rows) for i in range(1, 10)]
    return sum(nrr) / 9 * 25, nrr


def grade(v):
    return "A" if v >= 88.31 else "B" if v >= 76.61 else "C" if v >= 65.0 else "D"


def self_check(verbose=False):
    code_re = re.compile(r"[A-Z0-9_.\-]{1,32}")
    units = read("units.csv", ["code", "name", "kind"])
    ucodes = {u["code"] for u in units}
    assert len(ucodes) == len(units)
    for u in units:
        assert code_re.fullmatch(u["code"]) and u["kind"] in UNIT_KINDS, u

    people = read("asn.csv", ["NIP", "nama", "unit", "jabatan", "golongan", "tmt"])
    pn = {}
    for a in people:
        nip = a["NIP"]
        assert nip_ok(nip), "invalid NIP %s" % nip
        assert nip not in pn, "duplicate NIP %s" % nip
        pn[nip] = a
        birth = D("%s-%s-%s" % (nip[0:4], nip[4:6], nip[6:8]))
        assert dt.date(1966, 1, 1) <= birth <= dt.date(2001, 12, 31), nip
        assert a["tmt"] == "%s-%s-01" % (nip[8:12], nip[12:14]), nip
        assert check_date(a["tmt"], "tmt") <= TODAY
        assert a["unit"] in ucodes and a["golongan"] in GOLONGAN and a["nama"] and a["jabatan"], a
    new = [a for a in people if a["tmt"] >= "2024-01-01"]
    senior = [a for a in people if a["tmt"] < "2010-01-01"]
    assert 20 <= len(new) <= 30 and len(senior) >= 60, (len(new), len(senior))
    per_unit = {}
    for a in people:
        per_unit[a["unit"]] = per_unit.get(a["unit"], 0) + 1
    kinds = {u["code"]: u["kind"] for u in units}
    for c, k in kinds.items():
        lo, hi = {"badan": (8, 12), "kecamatan": (22, 28), "kelurahan": (12, 18),
                  "puskesmas": (25, 30), "pustu": (4, 6)}[k]
        assert lo <= per_unit.get(c, 0) <= hi, (c, per_unit.get(c))

    comps = read("competencies.csv", ["code", "name", "type"])
    ccodes = {c["code"] for c in comps}
    for c in comps:
        assert code_re.fullmatch(c["code"]) and c["type"] in COMP_TYPES, c

    progs = read("programs-2027.csv", ["code", "title", "method", "competency", "partner", "speaker",
                                        "start", "end", "jp", "capacity"])
    pg = {}
    for p in progs:
        assert code_re.fullmatch(p["code"]) and p["code"] not in pg, p
        pg[p["code"]] = p
        s, e = check_date(p["start"], "start"), check_date(p["end"], "end")
        assert s <= e and s.year == e.year == 2027, p
        assert p["method"] in METHODS and p["competency"] in ccodes, p
        days = (e - s).days + 1
        jp, cap = int(p["jp"]), int(p["capacity"])
        if p["method"] == "seminar":
            assert jp == 4 * days, p
        if p["method"] == "workshop":
            assert jp == 5 * days, p
        assert jp > 0 and 20 <= cap <= 40, p
    mw = pg["MW-01"]
    assert (mw["method"], mw["partner"], mw["start"], mw["end"], mw["jp"], mw["capacity"]) == \
        ("pelatihan", "Politeknik Negeri Medan", "2027-02-10", "2027-02-12", "24", "30")
    assert "KE-01" in pg and "PP-01" in pg

    needs = read("needs-2027.csv", ["unit", "competency", "priority", "reason"])
    covered = {p["competency"] for p in progs}
    nper = {}
    for n in needs:
        assert n["unit"] in ucodes and n["competency"] in ccodes and n["priority"] in PRIORITIES, n
        nper[n["unit"]] = nper.get(n["unit"], 0) + 1
    assert all(1 <= nper.get(u, 0) <= 3 for u in ucodes), nper
    assert len({(n["unit"], n["competency"]) for n in needs}) == len(needs)
    uncovered = [n for n in needs if n["competency"] not in covered]
    assert 2 <= len(uncovered) <= 3, uncovered

    enr = read("enrollments-2027.csv", ["program", "nip", "status"])
    count, status = {}, {}
    for e in enr:
        assert e["program"] in pg and e["nip"] in pn and e["status"] in ENROLL_STATES, e
        key = (e["program"], e["nip"])
        assert key not in status, "duplicate enrollment %r" % (key,)
        status[key] = e["status"]
        count[e["program"]] = count.get(e["program"], 0) + 1
    for code, p in pg.items():
        n, cap = count.get(code, 0), int(p["capacity"])
        assert n <= cap, "capacity exceeded: %s %d > %d" % (code, n, cap)
        if D(p["end"]) < HELD_BEFORE:
            assert 0.6 * cap <= n <= 0.9 * cap, (code, n, cap)
        else:
            assert all(s == "terdaftar" for (c, _), s in status.items() if c == code), code

    evs = read("evaluations-2027.csv", ["program", "nip", "materi", "penyampaian", "aplikasi", "comment"])
    per_prog = {}
    for v in evs:
        assert status.get((v["program"], v["nip"])) == "selesai", "evaluation without selesai: %r" % v
        for k in ("materi", "penyampaian", "aplikasi"):
            assert v[k] in ("1", "2", "3", "4", "5"), v
        per_prog[v["program"]] = per_prog.get(v["program"], 0) + 1
    assert len({(v["program"], v["nip"]) for v in evs}) == len(evs)
    nsel = sum(1 for s in status.values() if s == "selesai")
    assert 0.7 <= len(evs) / nsel <= 0.9, (len(evs), nsel)
    assert sorted(per_prog.values()).count(2) == 1 and min(per_prog.values()) == 2, per_prog

    ass = read("assessments.csv", ["nip", "competency", "period", "level", "note"])
    for r in ass:
        assert r["nip"] in pn and r["competency"] in ccodes and r["period"] in ("2026-S2", "2027-S1", "2027-S2"), r
        assert r["level"] in ("1", "2", "3", "4", "5"), r
    assert len({(r["nip"], r["competency"], r["period"]) for r in ass}) == len(ass)
    assert 130 <= len(ass) <= 170, len(ass)

    men = read("mentoring.csv", ["mentor_nip", "mentee_nip", "topic", "competency", "from", "to"])
    period = {}
    for m in men:
        mr, me = pn[m["mentor_nip"]], pn[m["mentee_nip"]]
        assert mr["unit"] == me["unit"], m
        assert mr["tmt"] < me["tmt"] and "2024-01-01" <= me["tmt"] <= "2026-12-31", m
        f, t = check_date(m["from"], "from"), check_date(m["to"], "to")
        assert f <= t and f.year == t.year == 2027 and m["competency"] in ccodes, m
        period[(m["mentor_nip"], m["mentee_nip"])] = (f, t)
    assert len(period) == len(men)
    lg = read("mentoring-logs.csv", ["mentor_nip", "mentee_nip", "date", "minutes", "notes", "progress"])
    last, nlog, prev = {}, {}, {}
    for r in lg:
        key = (r["mentor_nip"], r["mentee_nip"])
        f, t = period[key]
        d = check_date(r["date"], "log date")
        assert f <= d <= t, "log outside the pair's period: %r" % r
        assert 45 <= int(r["minutes"]) <= 180 and r["progress"] in ("1", "2", "3", "4", "5"), r
        assert int(r["progress"]) >= prev.get(key, 0), "progress falls: %r" % r
        prev[key] = int(r["progress"])
        last[key] = max(last.get(key, d), d)
        nlog[key] = nlog.get(key, 0) + 1
    assert all(2 <= nlog.get(k, 0) <= 6 for k in period), nlog
    first = {}
    for r in lg:
        first.setdefault((r["mentor_nip"], r["mentee_nip"]), int(r["progress"]))
    assert all(prev[k] > first[k] for k in period), "progress does not rise"
    stale = [k for k in period if period[k][1] >= SNAPSHOT and (SNAPSHOT - last[k]).days > 30]
    assert len(stale) == 1, stale

    sv = read("surveys-2027.csv", ["unit", "service", "period"] + ["u%d" % i for i in range(1, 10)] +
              ["age", "sex", "education", "job"])
    groups = {}
    for r in sv:
        assert r["unit"] in ucodes and r["period"] in ("2027-Q1", "2027-Q2") and r["service"], r
        for i in range(1, 10):
            assert r["u%d" % i] in ("1", "2", "3", "4"), "SKM score out of 1-4: %r" % r
        assert r["age"] == "" or 17 <= int(r["age"]) <= 80, r
        assert not (r["sex"] == "L" and r["job"] == "ibu rumah tangga"), r
        assert r["sex"] in ("", "L", "P") and r["education"] in ("", "SD", "SMP", "SMA", "D3", "S1", "S2"), r
        groups.setdefault((r["unit"], r["period"]), []).append(r)
    for c, k in kinds.items():
        if k in ("kecamatan", "kelurahan", "puskesmas"):
            for per in ("2027-Q1", "2027-Q2"):
                assert 15 <= len(groups.get((c, per), [])) <= 40, (c, per)
    grades = {}
    for (unit, per), rows in sorted(groups.items()):
        v, nrr = ikm(rows)
        grades.setdefault(grade(v), []).append(unit)
        if verbose:
            weak = min(range(9), key=lambda i: nrr[i])
            print("  %-9s %s n=%2d IKM %.2f %s weakest u%d (%.2f)" % (unit, per, len(rows), v, grade(v), weak + 1, nrr[weak]))
    assert all(g in grades for g in "ABC"), grades

    fo = read("forums-2027.csv", ["unit", "date", "topic", "input", "follow_up"])
    for r in fo:
        assert r["unit"] in ucodes and check_date(r["date"], "forum").year == 2027 and r["input"] and r["follow_up"], r
    assert 8 <= len(fo) <= 12

    print("ok: %d units, %d asn (%d new, %d senior), %d competencies, %d programs, %d needs (%d uncovered), "
          "%d enrollments, %d evaluations, %d assessments, %d mentoring pairs, %d logs, %d survey responses, "
          "%d forums" % (len(units), len(people), len(new), len(senior), len(comps), len(progs), len(needs),
                         len(uncovered), len(enr), len(evs), len(ass), len(men), len(lg), len(sv), len(fo)))


self_check(verbose="-v" in sys.argv[1:])
