//! `shangyun rules uscc`: validate 统一社会信用代码 / 组织机构代码, from arguments or stdin.

use crate::output;
use shangyun_rules::codes::{self, RegionList};
use shangyun_rules::ids::{self, IdKind, IdReport, RegionStatus};
use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "\
Kind by length after normalising (full-width, spaces, hyphens, lower case): 18 characters → \
统一社会信用代码 (GB 32100), 9 → 组织机构代码 (GB 11714).
With no CODE, reads codes from stdin, one per line (blank lines skipped).
--json prints a JSON array for codes given as arguments, and JSON lines (one object per \
input line, in input order) when reading stdin.
Exit status: 0 all valid, 1 any invalid, 2 usage error.")]
pub struct Args {
    /// Codes to check (统一社会信用代码 or 组织机构代码).
    #[arg(value_name = "CODE")]
    codes: Vec<String>,
    /// Print JSON instead of text (array for arguments, JSON lines for stdin).
    #[arg(long)]
    json: bool,
    /// Check structure and check characters only, not the region code against GB/T 2260.
    #[arg(long)]
    structure_only: bool,
}

pub fn run(args: Args) -> ExitCode {
    let check = Checker {
        structure_only: args.structure_only,
    };
    if args.codes.is_empty() {
        let stdin = io::stdin();
        if stdin.is_terminal() {
            return output::usage_error("give codes as arguments, or pipe them in one per line");
        }
        return check.stream(stdin.lock(), args.json);
    }
    let reports: Vec<IdReport<'static>> = args.codes.iter().map(|c| check.one(c)).collect();
    output::emit(args.json, &reports, || {
        reports
            .iter()
            .map(human_line)
            .collect::<Vec<_>>()
            .join("\n")
    });
    exit_for(reports.iter().all(|r| r.valid))
}

struct Checker {
    structure_only: bool,
}

impl Checker {
    fn one(&self, code: &str) -> IdReport<'static> {
        if self.structure_only {
            return ids::check_identifier(code, None);
        }
        ids::check_identifier(code, Some(&region_in_gbt2260))
    }

    /// Reads one code per line and writes one result per line as it goes, so 100k codes
    /// stream through in constant memory. Invalid UTF-8 is kept (as U+FFFD) and reported.
    fn stream(&self, input: impl BufRead, json: bool) -> ExitCode {
        let out = BufWriter::new(io::stdout().lock());
        match self.stream_to(input, out, json) {
            Err(e) => output::usage_error(format!("cannot read stdin: {e}")),
            Ok(Streamed { seen: 0, .. }) => output::usage_error("no codes on stdin"),
            Ok(Streamed { all_valid, .. }) => exit_for(all_valid),
        }
    }

    fn stream_to(
        &self,
        mut input: impl BufRead,
        mut out: impl Write,
        json: bool,
    ) -> io::Result<Streamed> {
        let mut done = Streamed {
            seen: 0,
            all_valid: true,
        };
        let mut line = Vec::new();
        loop {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            let text = String::from_utf8_lossy(&line);
            let code = text.trim_end_matches(['\n', '\r']);
            if code.trim().is_empty() {
                continue;
            }
            let report = self.one(code);
            done.seen += 1;
            done.all_valid &= report.valid;
            let written = if json {
                serde_json::to_string(&report)
                    .map_err(io::Error::other)
                    .and_then(|text| writeln!(out, "{text}"))
            } else {
                writeln!(out, "{}", human_line(&report))
            };
            // A closed pipe (e.g. `| head`) ends the run; the status still tells the codes read.
            if written.is_err() {
                break;
            }
        }
        let _ = out.flush();
        Ok(done)
    }
}

/// What a stdin run saw.
#[derive(Debug, PartialEq, Eq)]
struct Streamed {
    seen: usize,
    all_valid: bool,
}

/// The region lookup the USCC check uses: the GB/T 2260 list embedded in `shangyun-codes`.
fn region_in_gbt2260(code: &str) -> RegionStatus {
    match codes::region_status(code) {
        codes::RegionStatus::Current => RegionStatus::Current,
        codes::RegionStatus::Retired { .. } => RegionStatus::Retired,
        codes::RegionStatus::Unknown => RegionStatus::Unknown,
    }
}

fn exit_for(all_valid: bool) -> ExitCode {
    ExitCode::from(if all_valid {
        output::OK
    } else {
        output::INVALID
    })
}

/// One line per code: ✓/✗, the normalised code, then its parts or the fault, zh-CN / English.
fn human_line(report: &IdReport<'_>) -> String {
    let shown = if report.normalized.is_empty() {
        format!("{:?}", report.input)
    } else {
        report.normalized.clone()
    };
    let mut line = match (&report.error, &report.uscc, &report.org_code) {
        (Some(e), _, _) => {
            let kind = match report.kind {
                Some(IdKind::Uscc) => "统一社会信用代码 USCC: ",
                Some(IdKind::OrgCode) => "组织机构代码 org code: ",
                None => "",
            };
            format!("✗ {shown}  {kind}{} / {}", e.message_zh, e.message_en)
        }
        (None, Some(u), _) => {
            let region = u.region_code();
            let region_name = RegionList::embedded()
                .find(region)
                .map(|r| r.name().to_string());
            format!(
                "✓ {shown}  统一社会信用代码 USCC · {} {} / {} · {} {} / {} · 区划 region {region}{} · 组织机构代码 org code {} · 校验码 check {}",
                u.authority().code,
                u.authority().name_zh,
                u.authority().name_en,
                u.entity_type().code,
                u.entity_type().name_zh,
                u.entity_type().name_en,
                region_name.map(|n| format!(" {n}")).unwrap_or_default(),
                u.org_code().hyphenated(),
                u.check_character(),
            )
        }
        (None, None, Some(o)) => format!(
            "✓ {shown}  组织机构代码 org code {} · 校验码 check {}",
            o.hyphenated(),
            o.check_character()
        ),
        (None, None, None) => format!("✗ {shown}"),
    };
    for w in &report.warnings {
        line.push_str(&format!("  ⚠ {} / {}", w.message_zh, w.message_en));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_stream(input: &str, json: bool) -> (Streamed, String) {
        let check = Checker {
            structure_only: false,
        };
        let mut out = Vec::new();
        let done = check.stream_to(input.as_bytes(), &mut out, json);
        let done = done.unwrap_or(Streamed {
            seen: usize::MAX,
            all_valid: false,
        });
        (done, String::from_utf8_lossy(&out).into_owned())
    }

    #[test]
    fn stdin_json_lines_one_per_non_blank_line_in_order() {
        let (done, out) = run_stream(
            "91350100M000100Y43\r\n\n  \n91350100M000100Y44\n551385082",
            true,
        );
        assert_eq!(
            done,
            Streamed {
                seen: 3,
                all_valid: false
            }
        );
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_default())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["valid"], true);
        assert_eq!(lines[0]["uscc"]["region_status"], "current");
        assert_eq!(lines[1]["error"]["kind"], "bad_check_character");
        assert_eq!(lines[1]["expected_check_character"], "3");
        assert_eq!(lines[2]["kind"], "org_code");
    }

    #[test]
    fn region_is_checked_against_gbt2260_unless_structure_only() {
        // 999999 is no region; both check characters are right (check from python-stdnum).
        let code = "919999995513850822";
        let (done, out) = run_stream(code, false);
        assert!(!done.all_valid);
        assert!(out.contains("999999 不在行政区划代码表"), "{out}");
        let structure_only = Checker {
            structure_only: true,
        };
        assert!(structure_only.one(code).valid);
    }

    #[test]
    fn human_line_shows_parts_region_name_and_warnings() {
        let check = Checker {
            structure_only: false,
        };
        let line = human_line(&check.one("91350100m000100y43"));
        assert!(line.starts_with("✓ 91350100M000100Y43 "), "{line}");
        assert!(line.contains("1 企业 / Enterprise"), "{line}");
        assert!(line.contains("区划 region 350100 福州市"), "{line}");
        assert!(line.contains("org code M000100Y-4"), "{line}");
        let line = human_line(&check.one("511100005000000071"));
        assert!(line.contains("⚠ 5-1 社会团体不是"), "{line}");
        let line = human_line(&check.one("9135O100M000100Y43"));
        assert!(
            line.starts_with("✗ 9135O100M000100Y43  统一社会信用代码 USCC: 第 5 位"),
            "{line}"
        );
        assert!(line.contains("did you mean '0'?"), "{line}");
    }

    #[test]
    fn invalid_utf8_is_reported_not_fatal() {
        let check = Checker {
            structure_only: false,
        };
        let mut out = Vec::new();
        let done = check.stream_to(&b"91350100M000100Y4\xff\n"[..], &mut out, false);
        assert_eq!(
            done.ok(),
            Some(Streamed {
                seen: 1,
                all_valid: false
            })
        );
        assert!(String::from_utf8_lossy(&out).contains("第 18 位字符"));
    }
}
