"""Every export column with its Indonesian and English description, and the
columns' types."""

from __future__ import annotations

from dashboards.analytics import RANK_COLUMNS
from scoring import contract

Column = tuple[str, str, str]

_RANK_DOCS: dict[str, Column] = {
    group.rank: (group.rank, group.doc_id, group.doc_en)
    for group in contract.PEER_GROUPS
}
_FAMILY_DOCS: dict[str, Column] = {
    "dimension": (
        "dimension:<KODE>",
        "Skor dimensi <KODE> (rata-rata tertimbang level indikator, 1-5)",
        "Score of dimension <KODE> (weighted mean of indicator levels, 1-5)",
    ),
    "element": (
        "element:<KODE>",
        "Skor elemen kesiapan <KODE> (1-5)",
        "Score of readiness element <KODE> (1-5)",
    ),
    "aspect": (
        "aspect:<KODE>",
        "Skor aspek evaluasi <KODE> dari bagian Practice (1-5)",
        "Score of Practice evaluation aspect <KODE> (1-5)",
    ),
    "sub_dimension": (
        "sub_dimension:<KODE>",
        "Skor subdimensi <KODE> (1-5)",
        "Score of sub-dimension <KODE> (1-5)",
    ),
}

RELEASE_COLUMNS: list[Column] = [
    ("region_code", "Kode wilayah kabupaten/kota (Kemendagri)", "Region code"),
    ("region_name", "Nama kabupaten/kota", "Region name"),
    ("kind", "Jenis daerah: kota atau kabupaten", "Kind: kota or kabupaten"),
    ("province", "Nama provinsi", "Province name"),
    (
        "cohort_year",
        "Tahun angkatan Gerakan Menuju 100 Smart City (kosong: bukan peserta)",
        "Cohort year in the 100 Smart City movement (empty: in no cohort)",
    ),
    (
        "index",
        "Indeks kesiapan (skala 1-5; kosong bila tidak dapat dihitung)",
        "Readiness index (1-5 scale; empty when it cannot be computed)",
    ),
    (
        "band",
        "Predikat kesiapan menurut indeks, dengan namanya dalam bahasa ekspor "
        "(kosong bila tidak ada)",
        "Readiness band of the index, by its name in the export's language "
        "(empty when none)",
    ),
    (
        "complete",
        "Lengkap: cakupan mencapai batas minimum (hanya daerah lengkap "
        "diperingkat dan dihitung ke target)",
        "Complete: coverage reaches the minimum (only complete regions are "
        "ranked and counted toward the target)",
    ),
    (
        "coverage",
        "Cakupan: bagian bobot indikator yang memiliki level (0-1)",
        "Coverage: weight share of the indicators that have a level (0-1)",
    ),
    ("blueprint", "Skor bagian Blueprint (1-5)", "Blueprint part score (1-5)"),
    ("practice", "Skor bagian Practice (1-5)", "Practice part score (1-5)"),
    (
        "size_class",
        "Kelas ukuran menurut jumlah penduduk: small (< 200.000), medium, "
        "large (> 1.000.000)",
        "Size class by population: small (< 200,000), medium, large (> 1,000,000)",
    ),
    *(_RANK_DOCS[column] for column in RANK_COLUMNS),
    (
        "rank_low",
        "Peringkat nasional terbaik (angka terkecil) dalam selang 90%",
        "Best (smallest) national rank of the 90% rank interval",
    ),
    (
        "rank_high",
        "Peringkat nasional terburuk (angka terbesar) dalam selang 90%",
        "Worst (largest) national rank of the 90% rank interval",
    ),
    (
        "ranked",
        "Diperingkat: lengkap dan dinilai oleh cukup penilai (minimum dari "
        "kerangka, biasanya 3 penilaian)",
        "Ranked: complete and scored by enough reviewers (the framework's "
        "minimum, usually 3 reviews)",
    ),
    (
        "unranked_reason",
        "Alasan tidak diperingkat: incomplete (belum lengkap), few_reviews "
        "(penilaian kurang dari minimum), no_index (tanpa indeks); kosong bila "
        "diperingkat",
        "Why not ranked: incomplete, few_reviews (fewer reviews than the "
        "minimum), no_index; empty when ranked",
    ),
    (
        "n_reviews",
        "Jumlah penilaian yang dikirim untuk daerah ini",
        "Number of submitted reviews of the region",
    ),
    (
        "tie_low",
        "Kelompok setara nasional: peringkat pertama kelompok (daerah yang "
        "selangnya tidak dapat dibedakan berbagi kelompok)",
        "National tied group: its first rank (regions whose intervals cannot "
        "be told apart share a group)",
    ),
    (
        "tie_high",
        "Kelompok setara nasional: peringkat terakhir kelompok",
        "National tied group: its last rank",
    ),
    (
        "index_low",
        "Batas bawah selang 90% indeks (bootstrap atas penilaian)",
        "Lower end of the index's 90% interval (bootstrap over reviews)",
    ),
    (
        "index_high",
        "Batas atas selang 90% indeks",
        "Upper end of the index's 90% interval",
    ),
    (
        "index_adjusted",
        "Uji sensitivitas: indeks setelah keketatan tiap penilai dikoreksi "
        "(bukan indeks resmi)",
        "Sensitivity: the index with each reviewer's severity taken out (not "
        "the official index)",
    ),
    (
        "rank_adjusted",
        "Uji sensitivitas: peringkat nasional menurut index_adjusted",
        "Sensitivity: national rank by index_adjusted",
    ),
    (
        "rank_change",
        "rank_national dikurangi rank_adjusted (positif: naik bila keketatan "
        "penilai dikoreksi)",
        "rank_national minus rank_adjusted (positive: the region climbs once "
        "severity is taken out)",
    ),
    (
        "low_agreement",
        "Kesepakatan antarpenilai rilis ini rendah (alpha < 0,667)",
        "The release's inter-reviewer agreement is low (alpha < 0.667)",
    ),
    (
        "caveat",
        "Catatan kehati-hatian rilis (kosong bila tidak ada)",
        "The release's caveat (empty when none)",
    ),
    *_FAMILY_DOCS.values(),
]

REVIEW_COLUMNS: list[Column] = [
    ("region_code", "Kode wilayah kabupaten/kota", "Region code"),
    ("region_name", "Nama kabupaten/kota", "Region name"),
    ("indicator", "Kode indikator", "Indicator code"),
    ("reviewer", "Penilai", "Reviewer"),
    (
        "review_status",
        "Status penilaian: draft, submitted atau withdrawn",
        "Review status: draft, submitted or withdrawn",
    ),
    (
        "level",
        "Level yang diberikan (1-5; kosong: tidak ada bukti)",
        "Level given (1-5; empty: no evidence)",
    ),
    ("no_evidence", "Tidak ada bukti", "No evidence"),
    ("comment", "Komentar penilai", "Reviewer's comment"),
    ("citation", "Rujukan bukti (dokumen, halaman)", "Evidence citation"),
    (
        "submitted_at",
        "Waktu penilaian dikirim (ISO 8601; kosong bila belum)",
        "When the review was submitted (ISO 8601; empty if not yet)",
    ),
]

NOTES_SHEET = "Keterangan"
# Release frame column -> export header, for the fixed (non-details) columns.
_RELEASE_SOURCES = {
    "region": "region_code",
    "name": "region_name",
    "kind": "kind",
    "province_name": "province",
    "cohort_year": "cohort_year",
    "index": "index",
    "band": "band",
    "complete": "complete",
    "coverage": "coverage",
    "blueprint": "blueprint",
    "practice": "practice",
    "size_class": "size_class",
    **{column: column for column in RANK_COLUMNS},
    "rank_low": "rank_low",
    "rank_high": "rank_high",
    "ranked": "ranked",
    "unranked_reason": "unranked_reason",
    "n_reviews": "n_reviews",
    "tie_low": "tie_low",
    "tie_high": "tie_high",
    "index_low": "index_low",
    "index_high": "index_high",
    "index_adjusted": "index_adjusted",
    "rank_adjusted": "rank_adjusted",
    "rank_change": "rank_change",
}
_TEXT_DTYPES = {
    "region_code": "str",
    "region_name": "str",
    "kind": "str",
    "province": "str",
    "band": "str",
    "size_class": "str",
    "unranked_reason": "str",
    "caveat": "str",
}
_INT_DTYPES = {
    "cohort_year",
    *RANK_COLUMNS,
    "rank_low",
    "rank_high",
    "n_reviews",
    "tie_low",
    "tie_high",
    "rank_adjusted",
    "rank_change",
}
_FLOAT_DTYPES = {
    "index",
    "coverage",
    "blueprint",
    "practice",
    "index_low",
    "index_high",
    "index_adjusted",
}
_BOOL_DTYPES = {"complete", "ranked", "low_agreement"}
