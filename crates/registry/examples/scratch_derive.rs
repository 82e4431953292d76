use shangyun_registry::{derive::derive_enterprise, AnnualFigures, Enterprise};
use shangyun_rules::tier::{self, Edition, EnterpriseProfile};
use shangyun_rules::size;
fn main() {
    let e = Enterprise { uscc: "X".into(), name: "n".into(), registered_region: "330106".into(), operating_region: None, industry: "6511".into(), founded: None, contact_name: None, contact_phone: None, contact_email: None };
    let f = |year, emp, rev| AnnualFigures { uscc: "X".into(), year, employees: Some(emp), revenue: Some(rev), main_business_revenue: Some(rev * 0.9), rd_spend: Some(rev*0.06), rd_staff: Some(emp/4), net_profit: Some(rev*0.1), debt_ratio: Some(40.0), ip_class1: Some(2), ip_class1_high_value: Some(1), ip_class2: Some(3), assets: Some(rev), ..Default::default() };
    let figs = vec![f(2022, 70, 2500.0), f(2023, 80, 3000.0), f(2024, 90, 3600.0)];
    let t0 = std::time::Instant::now();
    let mut n = 0; for _ in 0..20000 { n += derive_enterprise(&e, &figs, &[]).len(); }
    let el = t0.elapsed(); println!("{} derived in {:?} = {:.0}/s", n, el, n as f64 / el.as_secs_f64());
    let m = size::Metrics { employees: Some(90), revenue_wan: Some(3600.0), assets_wan: None };
    let t0 = std::time::Instant::now(); let mut k = 0;
    for _ in 0..60000 { if size::classify("6511", &m).unwrap().class().is_some() { k += 1; } }
    println!("size classify: {:?} per", t0.elapsed() / 60000);
    let p = EnterpriseProfile { revenue: Some(3600.0), revenue_prev: Some(3000.0), main_revenue: Some(3240.0), main_revenue_prev: Some(2700.0), rd_spend: Some(216.0), rd_spend_prev: Some(180.0), rd_staff: Some(22), total_staff: Some(90), debt_ratio_pct: Some(40.0), net_profit: Some(360.0), ip_class1: Some(2), ip_high_value_class1: Some(1), ip_class2: Some(3), is_sme: Some(true), province_code: Some("330106".into()), ..Default::default() };
    for ed in Edition::ALL { for t in tier::Tier::ALL {
        let r = tier::rules(ed, t).unwrap();
        let t0 = std::time::Instant::now();
        for _ in 0..20000 { let v = r.evaluate(&p).unwrap(); k += v.failed.len(); }
        println!("{} {:?} per eval", r.info().id, t0.elapsed() / 20000);
    }}
    println!("{k}");
    let d = derive_enterprise(&e, &figs, &[]);
    let bytes: usize = d.iter().map(|d| d.size_explanation.as_json().len() + serde_json::to_string(&d.tiers).unwrap().len()).sum();
    println!("{} bytes/row; {}", bytes / 3, serde_json::to_string(&d[2]).unwrap());
}
#[allow(dead_code)]
fn sizes() {}
