"""Realistic masterplan documents for the demo and for tests and benchmarks.

A kabupaten/kota smart-city masterplan in Indonesian: cover, foreword, then one
chapter per expected part, each starting on a new page. Each chapter's text
names only its own part, so the pre-screen finds every part on exactly the page
where its chapter starts (page 3 + chapter index, with one page per chapter).
The same inputs give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime

import docx
from fpdf import FPDF, XPos, YPos

# Filler pages, when `pages_per_chapter` > 1, repeat this neutral text.
FILLER = (
    "Uraian rinci bagian ini memuat data pendukung yang dihimpun dari perangkat "
    "daerah, hasil diskusi kelompok terpumpun, serta catatan teknis dari kunjungan "
    "lapangan ke kecamatan dan kelurahan. Setiap data dicantumkan bersama sumber, "
    "tahun, dan satuan pengukurannya agar dapat diperiksa ulang oleh pembaca. "
    "Tabel dan grafik disajikan dalam lampiran terpisah untuk memudahkan rujukan."
)
FILLER_PARAGRAPHS_PER_PAGE = 6


@dataclass(frozen=True)
class Chapter:
    number: str  # BAB numeral
    title: str
    paragraphs: tuple[str, ...]

    @property
    def heading(self) -> str:
        return f"BAB {self.number} {self.title}"


def chapters(region_name: str, year: int) -> tuple[Chapter, ...]:
    """The chapters in order; BAB I has no expected part, BAB II to XIV one each
    (the six dimensions one chapter each), BAB XV closes."""
    head = _head_of_region(region_name)
    return tuple(
        Chapter(_ROMAN[index], title, paragraphs)
        for index, (title, paragraphs) in enumerate(
            _chapter_texts(region_name, year, head), start=1
        )
    )


def masterplan_pdf(region_name: str, year: int, *, pages_per_chapter: int = 1) -> bytes:
    """The masterplan as a PDF (core Helvetica font, so latin-1 text only).

    With `pages_per_chapter` > 1 each chapter is followed by filler pages, for
    benchmarks on long documents (20 gives 302 pages).
    """
    pdf = _MasterplanPdf(region_name)
    title = _title(region_name, year)
    pdf.set_title(title)
    pdf.set_author(f"Pemerintah {region_name}")
    pdf.set_creation_date(datetime(year, 1, 1, tzinfo=UTC))
    pdf.set_auto_page_break(auto=True, margin=20)
    _pdf_cover(pdf, region_name, title)
    _pdf_chapter(pdf, "Kata Pengantar", _foreword(region_name, year))
    filler_lines = _wrapped(pdf, FILLER)
    for chapter in chapters(region_name, year):
        _pdf_chapter(pdf, chapter.heading, chapter.paragraphs)
        for _ in range(pages_per_chapter - 1):
            _pdf_filler_page(pdf, filler_lines)
    return bytes(pdf.output())


def masterplan_docx(region_name: str, year: int) -> bytes:
    """The masterplan as a DOCX, with a hard page break before each chapter, so
    its pages match the PDF's."""
    document = docx.Document()
    properties = document.core_properties
    properties.title = _title(region_name, year)
    properties.author = f"Pemerintah {region_name}"
    properties.created = properties.modified = datetime(year, 1, 1, tzinfo=UTC)
    document.add_heading(_title(region_name, year), level=0)
    document.add_paragraph(f"Pemerintah {region_name}")
    sections = [("Kata Pengantar", _foreword(region_name, year))]
    sections += [(c.heading, c.paragraphs) for c in chapters(region_name, year)]
    for heading, paragraphs in sections:
        document.add_page_break()
        document.add_heading(heading, level=1)
        for text in paragraphs:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return _with_fixed_timestamps(buffer.getvalue())


def _title(region_name: str, year: int) -> str:
    return f"Masterplan Smart City {region_name} {year}-{year + 10}"


def _head_of_region(region_name: str) -> str:
    return "Bupati" if region_name.lower().startswith("kabupaten") else "Wali Kota"


def _place(region_name: str) -> str:
    """ "Kota Tangerang Selatan" -> "Tangerang Selatan"."""
    first, _, rest = region_name.partition(" ")
    return rest if first.lower() in ("kota", "kabupaten") and rest else region_name


class _MasterplanPdf(FPDF):
    def __init__(self, region_name: str) -> None:
        super().__init__(format="A4")
        self.region_name = region_name

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-15)
        self.set_font("Helvetica", "I", 8)
        self.cell(
            0,
            10,
            f"Masterplan Smart City {self.region_name} - {self.page_no()}",
            align="C",
        )


def _pdf_cover(pdf: FPDF, region_name: str, title: str) -> None:
    pdf.add_page()
    pdf.set_y(90)
    pdf.set_font("Helvetica", "B", 24)
    pdf.multi_cell(0, 12, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(20)
    pdf.set_font("Helvetica", "", 14)
    pdf.multi_cell(
        0,
        8,
        f"Pemerintah {region_name}",
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _pdf_chapter(pdf: FPDF, heading: str, paragraphs: tuple[str, ...]) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    _pdf_paragraphs(pdf, paragraphs)


def _pdf_paragraphs(pdf: FPDF, paragraphs: tuple[str, ...]) -> None:
    pdf.set_font("Helvetica", "", 11)
    for text in paragraphs:
        pdf.multi_cell(0, 6, text, align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)


def _wrapped(pdf: FPDF, text: str) -> list[str]:
    """The lines body text wraps to. fpdf2's line breaking takes some 30 ms per
    page, so filler pages reuse these lines: 300 pages in well under a second."""
    pdf.set_font("Helvetica", "", 11)
    return pdf.multi_cell(0, 6, text, dry_run=True, output="LINES")


def _pdf_filler_page(pdf: FPDF, lines: list[str]) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    for _ in range(FILLER_PARAGRAPHS_PER_PAGE):
        for line in lines:
            pdf.cell(0, 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)


def _with_fixed_timestamps(docx_bytes: bytes) -> bytes:
    """The same zip with every entry dated 1980-01-01: python-docx stamps
    entries with the current time, so two saves would differ."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(entry))
    return output.getvalue()


_ROMAN = (
    "", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
    "XI", "XII", "XIII", "XIV", "XV",
)  # fmt: skip


def _foreword(region_name: str, year: int) -> tuple[str, ...]:
    head = _head_of_region(region_name)
    return (
        "Puji syukur kami panjatkan ke hadirat Tuhan Yang Maha Esa atas "
        f"tersusunnya Masterplan Smart City {region_name}. Dokumen ini merupakan "
        "hasil kerja bersama perangkat daerah, akademisi, dunia usaha, dan "
        "komunitas selama bimbingan teknis Gerakan Menuju 100 Smart City.",
        "Kami menyampaikan terima kasih kepada semua pihak yang telah memberikan "
        "masukan. Semoga dokumen ini bermanfaat bagi kemajuan daerah dan "
        "kesejahteraan seluruh warga.",
        f"{_place(region_name)}, Januari {year}\n{head} {_place(region_name)}",
    )


def _chapter_texts(
    region: str, year: int, head: str
) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (
            "Pendahuluan",
            (
                "Perkembangan teknologi informasi dan komunikasi membuka peluang "
                f"baru bagi Pemerintah {region} untuk meningkatkan mutu pelayanan "
                "kepada warga. Dokumen ini disusun sebagai bagian dari Gerakan "
                "Menuju 100 Smart City yang diprakarsai oleh Kementerian Komunikasi "
                "dan Informatika bersama kementerian dan lembaga terkait.",
                "Maksud penyusunan dokumen ini adalah memberikan arah yang jelas bagi "
                "seluruh perangkat daerah dalam memanfaatkan teknologi secara "
                "terpadu. Tujuannya adalah menyelaraskan program antarsektor, "
                "menghindari duplikasi, serta memastikan setiap inisiatif memberikan "
                "manfaat nyata bagi penduduk.",
            ),
        ),
        (
            "Analisis Kondisi Saat Ini",
            (
                f"Bab ini menyajikan analisis kondisi saat ini di {region} pada "
                f"tahun {year}, mencakup infrastruktur jaringan, aplikasi yang "
                "digunakan perangkat daerah, serta kesiapan sumber daya manusia. "
                "Pendataan dilakukan melalui survei ke 32 organisasi perangkat "
                "daerah dan kunjungan lapangan ke kecamatan.",
                "Hasil pemetaan kondisi eksisting menunjukkan bahwa jaringan serat "
                "optik baru menjangkau sebagian kelurahan, sementara pusat data "
                "masih tersebar di beberapa dinas. Sebanyak 87 aplikasi dikelola "
                "secara terpisah dan belum saling terhubung, sehingga data penduduk "
                "sering dimasukkan berulang kali.",
            ),
        ),
        (
            "Visi dan Misi",
            (
                f"Visi pembangunan kota cerdas {region} adalah mewujudkan daerah "
                "yang nyaman, produktif, dan berdaya saing melalui pemanfaatan "
                "teknologi yang inklusif.",
                "Misi yang ditetapkan untuk mencapainya adalah: (1) meningkatkan "
                "mutu layanan publik berbasis elektronik; (2) mendorong pertumbuhan "
                "usaha lokal berbasis digital; (3) memperkuat partisipasi warga; dan "
                "(4) menjaga kelestarian alam dan sumber daya.",
            ),
        ),
        (
            "Smart Governance",
            (
                "Dimensi Smart Governance berfokus pada layanan publik yang cepat, "
                f"transparan, dan akuntabel. {region} menargetkan seluruh perizinan "
                "diproses secara daring melalui satu portal, dilengkapi penelusuran "
                "status permohonan.",
                "Penguatan tata kelola pemerintahan dilakukan melalui integrasi "
                "aplikasi perkantoran, tanda tangan elektronik, dan satu data daerah "
                "sesuai kebijakan Sistem Pemerintahan Berbasis Elektronik.",
            ),
        ),
        (
            "Smart Branding",
            (
                f"Smart Branding bertujuan membangun identitas {region} yang mudah "
                "dikenali oleh wisatawan dan investor. Ikon kota, kalender acara "
                "budaya, dan cerita kuliner lokal dikemas secara konsisten di kanal "
                "digital resmi.",
                "Upaya branding daerah juga mencakup penataan wajah kota di koridor "
                "utama serta pelatihan pemandu wisata agar mampu mempromosikan "
                "destinasi melalui media sosial.",
            ),
        ),
        (
            "Smart Economy",
            (
                "Dimensi Smart Economy diarahkan untuk menumbuhkan usaha mikro, "
                "kecil, dan menengah melalui perdagangan elektronik, pembayaran "
                "nontunai, dan pelatihan kewirausahaan digital.",
                "Pasar tradisional dilengkapi pembayaran berbasis kode QR, sementara "
                "pelaku usaha didampingi memasarkan produk ke luar daerah. "
                "Pengembangan ekonomi cerdas ini diukur dari jumlah pelaku usaha "
                "yang bertransaksi secara daring.",
            ),
        ),
        (
            "Smart Society",
            (
                "Smart Society menempatkan warga sebagai pelaku utama perubahan. "
                "Kegiatan literasi digital menyasar pelajar, guru, kader posyandu, "
                "dan kelompok lanjut usia agar mampu memanfaatkan layanan daring "
                "dengan aman.",
                "Ruang kreatif di setiap kecamatan disiapkan sebagai tempat belajar "
                "bersama, dan kanal pengaduan dibuka selama 24 jam untuk membangun "
                "masyarakat cerdas yang peduli pada sesama.",
            ),
        ),
        (
            "Smart Living",
            (
                "Dimensi Smart Living berfokus pada kualitas hidup warga: layanan "
                "kesehatan, pendidikan, transportasi, dan keamanan. Puskesmas akan "
                "terhubung dengan sistem antrean daring dan rekam medis elektronik.",
                "Angkutan umum dilengkapi informasi kedatangan secara langsung, "
                "sedangkan kamera pemantau di persimpangan membantu penanganan "
                "kemacetan dan kecelakaan demi kehidupan cerdas yang aman.",
            ),
        ),
        (
            "Smart Environment",
            (
                "Smart Environment mencakup pengelolaan sampah, air bersih, energi, "
                "dan ruang terbuka hijau. Bank sampah berbasis aplikasi dikembangkan "
                "di setiap kelurahan bersama kelompok warga.",
                "Sensor tinggi muka air dipasang di sungai dan saluran utama sebagai "
                "peringatan dini banjir. Upaya ini menjadi langkah menuju lingkungan "
                "cerdas yang bersih dan tangguh terhadap perubahan iklim.",
            ),
        ),
        (
            "Program Quick Win",
            (
                "Program quick win adalah kegiatan berdampak tinggi yang dapat "
                f"diselesaikan dalam satu tahun pertama. Untuk {region} dipilih lima "
                "kegiatan: portal perizinan terpadu, kanal pengaduan warga, "
                "pembayaran nontunai di pasar, peringatan dini banjir, dan titik "
                "akses internet publik di taman kota.",
                "Kegiatan ini memperlihatkan hasil nyata kepada warga sejak awal "
                "sehingga membangun kepercayaan dan dukungan bagi langkah berikutnya.",
            ),
        ),
        (
            f"Peta Jalan (Roadmap) {year}-{year + 9}",
            (
                "Peta jalan disusun dalam tiga tahap untuk 10 tahun ke depan. Tahap "
                f"fondasi ({year}-{year + 2}) membangun jaringan, pusat data, dan "
                f"satu data daerah. Tahap penguatan ({year + 3}-{year + 5}) "
                "mengintegrasikan layanan antarsektor.",
                f"Tahap pemantapan ({year + 6}-{year + 9}) memperluas inovasi "
                "bersama perguruan tinggi dan dunia usaha. Setiap tahap dievaluasi "
                "setiap tahun dan disesuaikan dengan rencana pembangunan daerah.",
            ),
        ),
        (
            "Rencana Anggaran dan Pembiayaan",
            (
                "Kebutuhan anggaran untuk sepuluh tahun diperkirakan sebesar Rp 480 "
                "miliar. Sumber utama pembiayaan berasal dari APBD, didukung dana "
                "alokasi khusus dari pemerintah pusat dan bantuan keuangan provinsi.",
                "Skema kerja sama pemerintah dan badan usaha serta tanggung jawab "
                "sosial perusahaan dimanfaatkan untuk infrastruktur yang bernilai "
                "komersial. Rencana pendanaan ditinjau setiap tahun bersamaan dengan "
                "penyusunan rencana kerja perangkat daerah.",
            ),
        ),
        (
            "Kelembagaan: Dewan Smart City dan Tim Pelaksana",
            (
                f"Dewan Smart City dipimpin langsung oleh {head} dan beranggotakan "
                "unsur pemerintah, akademisi, dunia usaha, dan komunitas. Dewan "
                "menetapkan prioritas dan memantau capaian setiap semester.",
                "Tim Pelaksana dipimpin oleh Kepala Badan Perencanaan Pembangunan "
                "Daerah dengan Dinas Komunikasi dan Informatika sebagai sekretariat. "
                "Tim mengoordinasikan perangkat daerah dan menyusun laporan "
                "kemajuan.",
            ),
        ),
        (
            "Regulasi: Peraturan Bupati/Wali Kota",
            (
                f"Pelaksanaan masterplan ini ditetapkan dengan Peraturan {head} "
                f"tentang Penyelenggaraan Kota Cerdas di {region}. Regulasi "
                "pendukung yang disiapkan meliputi ketentuan satu data daerah, "
                "keamanan informasi, dan penempatan menara telekomunikasi.",
                "Penyusunan Peraturan Daerah tentang penyelenggaraan kota cerdas "
                f"diusulkan masuk dalam program pembentukan Perda tahun {year + 1}.",
            ),
        ),
        (
            "Penutup",
            (
                "Masterplan ini menjadi acuan bersama bagi seluruh perangkat daerah, "
                "dunia usaha, perguruan tinggi, dan warga. Keberhasilannya "
                "bergantung pada komitmen, kolaborasi, dan konsistensi pelaksanaan "
                "dari tahun ke tahun.",
                "Dokumen ini bersifat dinamis dan akan dimutakhirkan sesuai "
                f"perkembangan teknologi serta kebutuhan warga {region}.",
            ),
        ),
    ]
