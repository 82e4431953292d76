//! What kind of file this is, from its first bytes (never from its name: programme offices
//! rename files freely, and systems export HTML tables as `.xls`).

use std::io::{Read, Seek};

/// What the first bytes say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sniffed {
    /// A ZIP container holding an Excel workbook.
    Xlsx,
    /// Plain text: a CSV candidate.
    Text,
    /// Something else: the description says what (zh, en) and what to do.
    Other(Foreign),
}

/// A file that is not a spreadsheet we read, described for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Foreign {
    /// An old binary Excel 97–2003 workbook (or another OLE2 Office file).
    Xls,
    /// An OpenDocument spreadsheet (LibreOffice / WPS `.ods`).
    Ods,
    /// A Word document.
    Docx,
    /// A PowerPoint presentation.
    Pptx,
    /// A ZIP archive that is no Office document.
    Zip,
    /// An HTML page (often a web system's "Excel export").
    Html,
    /// Excel 2003 XML spreadsheet or other XML.
    Xml,
    /// A PDF document.
    Pdf,
    /// An image (PNG, JPEG, GIF, BMP, WebP).
    Image,
    /// Another compressed archive (gzip, 7z, RAR).
    Archive,
    /// Binary data of no known kind.
    Binary,
}

impl Foreign {
    /// What the file is, in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Foreign::Xls => "Excel 97-2003 旧格式工作簿（.xls）",
            Foreign::Ods => "OpenDocument 表格（.ods）",
            Foreign::Docx => "Word 文档",
            Foreign::Pptx => "PowerPoint 演示文稿",
            Foreign::Zip => "ZIP 压缩包（不是 Excel 工作簿）",
            Foreign::Html => "网页（HTML）",
            Foreign::Xml => "XML 文件",
            Foreign::Pdf => "PDF 文档",
            Foreign::Image => "图片",
            Foreign::Archive => "压缩包",
            Foreign::Binary => "二进制文件",
        }
    }

    /// What the file is, in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Foreign::Xls => "an Excel 97-2003 workbook (.xls)",
            Foreign::Ods => "an OpenDocument spreadsheet (.ods)",
            Foreign::Docx => "a Word document",
            Foreign::Pptx => "a PowerPoint presentation",
            Foreign::Zip => "a ZIP archive that is not an Excel workbook",
            Foreign::Html => "a web page (HTML)",
            Foreign::Xml => "an XML file",
            Foreign::Pdf => "a PDF document",
            Foreign::Image => "an image",
            Foreign::Archive => "a compressed archive",
            Foreign::Binary => "binary data",
        }
    }

    /// What to do instead, in Chinese.
    pub fn hint_zh(self) -> &'static str {
        match self {
            Foreign::Xls | Foreign::Ods | Foreign::Html | Foreign::Xml => {
                "请用 Excel 或 WPS 打开后另存为“Excel 工作簿（.xlsx）”或“CSV UTF-8（逗号分隔）”"
            }
            _ => "请导入 Excel 工作簿（.xlsx）或 CSV 文件",
        }
    }

    /// What to do instead, in English.
    pub fn hint_en(self) -> &'static str {
        match self {
            Foreign::Xls | Foreign::Ods | Foreign::Html | Foreign::Xml => {
                "open it in Excel or WPS and save as \"Excel Workbook (.xlsx)\" or \"CSV UTF-8\""
            }
            _ => "import an Excel workbook (.xlsx) or a CSV file",
        }
    }
}

/// Looks at the start of the file; for ZIP files also at the names inside.
pub(crate) fn sniff<R: Read + Seek>(head: &[u8], file: &mut R) -> Sniffed {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return sniff_zip(file);
    }
    if head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Sniffed::Other(Foreign::Xls);
    }
    if head.starts_with(b"%PDF") {
        return Sniffed::Other(Foreign::Pdf);
    }
    if head.starts_with(b"\x89PNG")
        || head.starts_with(b"\xFF\xD8\xFF")
        || head.starts_with(b"GIF8")
        || (head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP"))
        || (head.starts_with(b"BM") && head.get(6..10) == Some(&[0, 0, 0, 0]))
    {
        return Sniffed::Other(Foreign::Image);
    }
    if head.starts_with(b"\x1F\x8B") || head.starts_with(b"7z\xBC\xAF") || head.starts_with(b"Rar!")
    {
        return Sniffed::Other(Foreign::Archive);
    }
    // UTF-16 text carries NULs; it is recognised by its BOM before this check.
    let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    if !utf16 && head.contains(&0) {
        return Sniffed::Other(Foreign::Binary);
    }
    if let Some(markup) = markup_kind(head) {
        return Sniffed::Other(markup);
    }
    Sniffed::Text
}

/// HTML or XML at the start of an otherwise text file.
fn markup_kind(head: &[u8]) -> Option<Foreign> {
    let start = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = &start[start.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
    let prefix: Vec<u8> = start.iter().take(64).map(u8::to_ascii_lowercase).collect();
    if prefix.starts_with(b"<!doctype html")
        || prefix.starts_with(b"<html")
        || prefix.starts_with(b"<table")
        || prefix.starts_with(b"<meta")
    {
        return Some(Foreign::Html);
    }
    if prefix.starts_with(b"<?xml") {
        return Some(Foreign::Xml);
    }
    None
}

fn sniff_zip<R: Read + Seek>(file: &mut R) -> Sniffed {
    let Ok(archive) = zip::ZipArchive::new(file) else {
        return Sniffed::Other(Foreign::Zip);
    };
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let has = |name: &str| names.iter().any(|n| n == name);
    if has("xl/workbook.xml") || names.iter().any(|n| n.ends_with("/workbook.xml")) {
        Sniffed::Xlsx
    } else if has("mimetype") && has("content.xml") {
        Sniffed::Other(Foreign::Ods)
    } else if has("word/document.xml") {
        Sniffed::Other(Foreign::Docx)
    } else if names.iter().any(|n| n.starts_with("ppt/")) {
        Sniffed::Other(Foreign::Pptx)
    } else {
        Sniffed::Other(Foreign::Zip)
    }
}
