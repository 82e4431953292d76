#!/usr/bin/env python3
"""Writes the import test spreadsheets in tests/fixtures/import/ with tools nobody here wrote.

* XLSX files are written by openpyxl (PyPI: `pip install openpyxl`): text-formatted codes,
  codes stored as numbers, real dates and Excel serial numbers, percent-formatted cells,
  numbers stored as text, formulas, merged header cells.
* LibreOffice (Debian: `apt-get install libreoffice-calc-nogui`) converts a CSV to XLSX the
  way a user's office suite would (guessing cell types, so leading zeros are lost and an
  all-digit USCC becomes a number), and recalculates openpyxl's formulas so that the XLSX
  holds cached values. Without `soffice` on PATH these two files are left as committed.
* CSV files are written with Python's own csv module and codecs (UTF-8 with/without BOM, GBK).

USCCs are computed here from GB 32100-2015 independently of the Rust code, so the importer's
check-character logic is tested against a second implementation.

Run from the repository root: `python3 scripts/make_fixtures.py`. The outputs are committed;
tests never run this script.
"""

import codecs
import csv
import datetime
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

import openpyxl
from openpyxl.styles import Alignment, Font

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "import")

# --- identifiers (GB 32100-2015, GB 11714) ------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def org_check(body):
    total = sum((int(c) if c.isdigit() else ord(c) - ord("A") + 10) * w for c, w in zip(body, ORG_WEIGHTS))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def uscc(region, body, authority="9", entity_type="1"):
    first17 = authority + entity_type + region + body + org_check(body)
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


assert uscc("350100", "M000100Y") == "91350100M000100Y43"
assert uscc("110108", "55138508") == "91110108551385082Q"


def all_digit_uscc(region, start):
    """The first USCC from body `start` upward whose two check characters are digits too."""
    body = start
    while not uscc(region, f"{body:08d}").isdigit():
        body += 1
    return uscc(region, f"{body:08d}")

# --- the enterprises every fixture draws from -------------------------------------------------

E = [
    dict(uscc=uscc("350102", "MA2XK7Q1"), name="福州鼓楼星辰电子科技有限公司", region="350102", industry="3911",
         founded=datetime.date(2015, 3, 18), year=2024, employees=120, revenue=8500.5, main=8000, assets=6000,
         rd=420.5, rd_staff=18, profit=510, debt=45.2, ip1=3, ip1hv=1, ip2=12, kwh=350000,
         contact="林伟", phone="0591-87654321", email="linwei@example.cn"),
    dict(uscc=uscc("330106", "MA27WQ3L"), name="杭州西湖云帆软件有限公司", region="330106", industry="6513",
         founded=datetime.date(2018, 11, 2), year=2024, employees=45, revenue=2300, main=2250, assets=1800,
         rd=380, rd_staff=20, profit=-35.5, debt=28, ip1=0, ip1hv=0, ip2=25, kwh=42000,
         contact="陈静", phone="13800000001", email=""),
    dict(uscc=uscc("440305", "MA5F8R2K"), name="深圳南山禾丰农业有限公司", region="440305", industry="0111",
         founded=datetime.date(2012, 6, 30), year=2023, employees=18, revenue=900, main=880, assets=1500,
         rd=12, rd_staff=2, profit=40, debt=61.5, ip1=0, ip1hv=0, ip2=1, kwh=120000,
         contact="", phone="", email=""),
    # All digits: LibreOffice turns this USCC into a number when it converts the CSV.
    dict(uscc=all_digit_uscc("110108", 55138508), name="北京海淀精工钢构有限公司", region="110108", industry="3311",
         founded=datetime.date(2009, 1, 5), year=2024, employees=260, revenue=15200, main=15000, assets=22000,
         rd=610, rd_staff=31, profit=1200, debt=52.3, ip1=8, ip1hv=3, ip2=20, kwh=2600000,
         contact="王强", phone="010-62000000", email="wq@example.cn"),
    dict(uscc=uscc("310115", "MA1H9T4W"), name="上海浦东再生资源回收有限公司", region="310115", industry="5191",
         founded=datetime.date(2020, 1, 2), year=2024, employees=9, revenue=1250, main=1250, assets=400,
         rd=0, rd_staff=0, profit=15, debt=70, ip1=0, ip1hv=0, ip2=0, kwh=8000,
         contact="赵敏", phone="021-50000000", email=""),
]
assert E[3]["uscc"].isdigit(), E[3]["uscc"]

ZH = ["统一社会信用代码", "企业名称", "注册地区划代码", "行业代码", "成立日期", "年度", "从业人员",
      "营业收入(万元)", "主营业务收入(万元)", "资产总额(万元)", "研发费用(万元)", "研发人员", "净利润(万元)",
      "资产负债率(%)", "Ⅰ类知识产权", "高价值Ⅰ类知识产权", "Ⅱ类知识产权", "能耗(kWh)", "联系人", "联系电话", "电子邮箱"]
KEYS = ["uscc", "name", "region", "industry", "founded", "year", "employees", "revenue", "main", "assets", "rd",
        "rd_staff", "profit", "debt", "ip1", "ip1hv", "ip2", "kwh", "contact", "phone", "email"]
EN = ["USCC", "Name", "Region", "Industry", "Founded", "Year", "Employees", "Revenue (yuan)",
      "Main business revenue (10k yuan)", "Total assets (10k yuan)", "R&D spend (10k yuan)", "R&D staff",
      "Net profit (10k yuan)", "Debt ratio (%)", "Class I IP", "High-value class I IP", "Class II IP",
      "Energy (kWh)", "Contact", "Phone", "Email"]


def text_row(e, **override):
    """One enterprise as text cells, the way a person types them into a CSV."""
    values = dict(e, **override)
    out = []
    for k in KEYS:
        v = values[k]
        if isinstance(v, datetime.date):
            v = v.isoformat()
        out.append("" if v is None else str(v))
    return out


def write_csv(name, header, rows, encoding="utf-8", bom=False, newline="\r\n"):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode(encoding)
    if bom:
        data = codecs.BOM_UTF8 + data
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def raw(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


# --- CSV fixtures -------------------------------------------------------------------------------

def make_csvs():
    rows = [text_row(e) for e in E]
    # Thousands separators (ASCII and full-width), a percent sign, other date spellings.
    rows[0][7] = "8,500.5"
    rows[3][9] = "22，000"
    rows[1][13] = "28%"
    rows[1][4] = "2018/11/2"
    rows[2][4] = "2012年6月30日"
    rows[4][4] = "43832"  # an Excel serial number for 2020-01-02
    write_csv("basic_bom.csv", ZH, rows, bom=True)

    en_rows = [text_row(e) for e in E]
    for r, e in zip(en_rows, E):
        r[7] = str(round(e["revenue"] * 10000))  # the English file gives revenue in yuan
    write_csv("english_headers.csv", EN, en_rows)

    write_csv("gbk.csv", ZH, [text_row(e) for e in E[:3]], encoding="gbk")
    raw("empty.csv", b"")
    write_csv("header_only.csv", ZH, [], bom=True)

    # A remarks column (not in the mapping) with quoted line breaks, and a blank line: row
    # numbers must stay those Excel shows. Row 5 has a broken USCC.
    header = ZH[:6] + ["备注"]
    body = io.StringIO()
    w = csv.writer(body, lineterminator="\r\n")
    w.writerow(header)
    w.writerow(text_row(E[0])[:6] + ["第一行\n第二行\n第三行"])
    w.writerow(text_row(E[1])[:6] + ["普通备注"])
    body.write("\r\n")  # a blank line: Excel row 4
    bad = text_row(E[2])[:6]
    bad[0] = bad[0][:-1] + ("0" if bad[0][-1] != "0" else "1")
    w.writerow(bad + ["校验位错误"])
    raw("quoted_newlines.csv", codecs.BOM_UTF8 + body.getvalue().encode("utf-8"))

    long_rows = [text_row(E[0])[:6] + ["长" * 10000], text_row(E[1], name="超" * 10000)[:6] + ["名称过长"]]
    write_csv("long_cell.csv", ZH[:6] + ["备注"], long_rows, bom=True)

    absurd = [
        text_row(E[0], revenue=-100),                          # row 2: negative revenue
        text_row(E[1], employees=20000000),                    # row 3: absurd head count
        text_row(E[2], debt="150%"),                           # row 4: debt ratio over 100
        text_row(E[3], year=1850),                             # row 5: implausible year
        text_row(E[4], rd_staff=50),                           # row 6: more R&D staff than staff
        text_row(E[0], uscc=uscc("350102", "MA2XK7Q2"), ip1=1, ip1hv=4),  # row 7: high-value > all
        text_row(E[1], uscc=uscc("330106", "MA27WQ3M"), profit=-300, employees="十二"),  # row 8
    ]
    write_csv("absurd.csv", ZH, absurd, bom=True)

    dup = [
        text_row(E[0]),                                        # row 2
        text_row(E[1]),                                        # row 3
        text_row(E[0]),                                        # row 4: identical to row 2
        text_row(E[1], employees=46),                          # row 5: conflicts with row 3
        text_row(E[0], year=2023, employees=110),              # row 6: same firm, other year: fine
        text_row(E[0], year=2022, name="福州星辰电子有限公司"),     # row 7: other name than row 2
    ]
    write_csv("duplicates.csv", ZH, dup, bom=True)

    yuan_header = list(ZH)
    yuan_header[7] = "营业收入（元）"
    yuan_header[10] = "研发费用(元)"
    yuan_rows = []
    for e in E[:2]:
        r = text_row(e)
        r[7] = f"{round(e['revenue'] * 10000):,}"
        r[10] = str(round(e["rd"] * 10000))
        yuan_rows.append(r)
    write_csv("units_yuan.csv", yuan_header, yuan_rows, bom=True)

    both = ZH + ["营业收入(元)"]
    write_csv("units_conflict.csv", both, [text_row(E[0]) + ["85005000"]], bom=True)

    missing = [h for h in ZH if h not in ("行业代码", "注册地区划代码")] + ["地址"]
    write_csv("missing_required.csv", missing, [], bom=True)

    mangled = text_row(E[3])
    mangled[0] = "9.11101E+17"
    write_csv("mangled_uscc.csv", ZH, [mangled, text_row(E[0])], bom=True)

    # Not spreadsheets at all.
    raw("not_a_sheet.png", png_1x1())
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr("readme.txt", "这是一个压缩包，不是 Excel 工作簿。")
    raw("not_xlsx.zip", zbuf.getvalue())
    raw("web_export.xls", "<html><body><table><tr><td>企业名称</td></tr></table></body></html>".encode("utf-8"))


def png_1x1():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


# --- XLSX fixtures (openpyxl) ----------------------------------------------------------------------

def make_xlsx_types():
    """Cell types as Excel users produce them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业名录"
    ws.append(ZH)
    for i, e in enumerate(E):
        r = i + 2
        values = [e[k] for k in KEYS]
        ws.append(values)
        for col in (1, 3, 4):  # USCC, region, industry as text with the "@" format
            c = ws.cell(row=r, column=col)
            c.value = str(c.value)
            c.number_format = "@"
        ws.cell(row=r, column=5).number_format = "yyyy-mm-dd"
        d = ws.cell(row=r, column=14)  # debt ratio as a percent-formatted number (0.452 shows 45.2%)
        d.value = e["debt"] / 100
        d.number_format = "0.0%"
    # Row 3: revenue typed as text with a thousands separator; founded as a serial number.
    ws.cell(row=3, column=8).value = "2,300"
    ws.cell(row=3, column=5).value = 43406  # 2018-11-02 as a plain number (General format)
    ws.cell(row=3, column=5).number_format = "General"
    # Row 4: the industry code typed as a number: Excel shows 111, the leading zero is gone.
    ws.cell(row=4, column=4).value = 111
    ws.cell(row=4, column=4).number_format = "General"
    # Row 5: the all-digit USCC typed as a number: Excel keeps 15 digits (9.11101E+17).
    ws.cell(row=5, column=1).value = float(E[3]["uscc"])
    ws.cell(row=5, column=1).number_format = "0.00E+00"
    # Row 6: employees as text "9", energy as a float with decimals.
    ws.cell(row=6, column=7).value = "9"
    ws.cell(row=6, column=18).value = 8000.25
    wb.save(os.path.join(OUT, "openpyxl_types.xlsx"))


def make_xlsx_merged_header():
    """A title row, a grouped two-row header with merged cells, then data: the office-form look."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    n = len(ZH)
    ws.cell(row=1, column=1, value="2024年度中小企业名录（填报单位：某某市工信局）")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    # Columns 1-6 are single headers spanning rows 2-3; 7-18 sit under group headings; 19-21 under 联系方式.
    for col in range(1, 7):
        ws.cell(row=2, column=col, value=ZH[col - 1])
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    ws.cell(row=2, column=7, value="经营情况")
    ws.merge_cells(start_row=2, start_column=7, end_row=2, end_column=13)
    ws.cell(row=2, column=14, value="创新与能耗")
    ws.merge_cells(start_row=2, start_column=14, end_row=2, end_column=18)
    ws.cell(row=2, column=19, value="联系方式")
    ws.merge_cells(start_row=2, start_column=19, end_row=2, end_column=21)
    for col in range(7, n + 1):
        ws.cell(row=3, column=col, value=ZH[col - 1])
    for row in (2, 3):
        for col in range(1, n + 1):
            ws.cell(row=row, column=col).font = Font(bold=True)
    for i, e in enumerate(E[:3]):
        for col, k in enumerate(KEYS, start=1):
            v = e[k]
            c = ws.cell(row=4 + i, column=col, value=str(v) if k in ("uscc", "region", "industry") else v)
            if k in ("uscc", "region", "industry"):
                c.number_format = "@"
            if k == "founded":
                c.number_format = "yyyy-mm-dd"
    wb.save(os.path.join(OUT, "openpyxl_merged_header.xlsx"))


def make_xlsx_formulas():
    """Figures computed by formulas. openpyxl stores the formula only, no cached value."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    header = ZH[:8] + ["研发费用(万元)", "研发投入强度(%)"]
    ws.append(header)
    for i, e in enumerate(E[:3]):
        r = i + 2
        ws.append([e["uscc"], e["name"], e["region"], e["industry"], e["founded"], e["year"], None, None,
                   e["rd"], None])
        for col in (1, 3, 4):
            ws.cell(row=r, column=col).number_format = "@"
        ws.cell(row=r, column=5).number_format = "yyyy-mm-dd"
        ws.cell(row=r, column=7).value = f"={e['employees'] // 2}+{e['employees'] - e['employees'] // 2}"
        ws.cell(row=r, column=8).value = f"=SUM({e['revenue']},0)"
        ws.cell(row=r, column=10).value = f"=ROUND(I{r}/H{r}*100,2)"
    wb.save(os.path.join(OUT, "openpyxl_formulas.xlsx"))


# --- LibreOffice conversions -------------------------------------------------------------------

def soffice_convert(src, target_ext, out_name, infilter=None):
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        print(f"soffice not found: keeping the committed {out_name}", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        profile = "file://" + os.path.join(tmp, "profile")
        src_dir, out_dir = os.path.join(tmp, "src"), os.path.join(tmp, "out")
        os.makedirs(src_dir)
        os.makedirs(out_dir)
        ext = os.path.splitext(src)[1]
        shutil.copy(src, os.path.join(src_dir, "in" + ext))
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target_ext, "--outdir", out_dir]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        subprocess.run(cmd + [os.path.join(src_dir, "in" + ext)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        shutil.copy(os.path.join(out_dir, "in." + target_ext.split(":")[0]), os.path.join(OUT, out_name))


def main():
    os.makedirs(OUT, exist_ok=True)
    make_csvs()
    make_xlsx_types()
    make_xlsx_merged_header()
    make_xlsx_formulas()
    # CSV → XLSX as LibreOffice Calc imports it (comma, double quote, UTF-8, types guessed).
    soffice_convert(os.path.join(OUT, "basic_bom.csv"), "xlsx", "libreoffice_from_csv.xlsx",
                    infilter="CSV:44,34,76,1")
    # openpyxl's formulas recalculated and saved with cached values.
    soffice_convert(os.path.join(OUT, "openpyxl_formulas.xlsx"), "xlsx", "libreoffice_formulas.xlsx")
    print("fixtures written to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
