// The console in chromium: sign in, search, open an enterprise, import a file with bad rows
// and download its error report, export the search, refuse an oversized upload, switch
// language. Started by run.sh (which sets the environment below); screenshots are saved for
// people to look at. Exits non-zero on the first failed check.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run tests/browser/run.sh)`);
  return v;
};
const BASE = env('BASE_URL');
const SHOTS = env('SCREENSHOTS');
const DOWNLOADS = env('DOWNLOADS');
mkdirSync(SHOTS, { recursive: true });
mkdirSync(DOWNLOADS, { recursive: true });

let step = 0;
function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
  console.log(`  ok ${message}`);
}
async function shot(page, name) {
  step += 1;
  const file = join(SHOTS, `${String(step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`  screenshot ${file}`);
}
async function download(page, click) {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = join(DOWNLOADS, dl.suggestedFilename());
  await dl.saveAs(path);
  return { name: dl.suggestedFilename(), text: readFileSync(path, 'utf8'), bytes: readFileSync(path) };
}

const browser = await chromium.launch({
  executablePath: env('CHROMIUM'),
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext({ acceptDownloads: true, locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);

  console.log('sign in');
  await page.goto(`${BASE}/`);
  check(await page.locator('html').getAttribute('lang') === 'zh-CN', 'the console is Chinese by default');
  check(await page.locator('h1').innerText() === '登录', 'a signed-out visitor gets the sign-in form');
  await shot(page, 'login');
  await page.fill('input[name=name]', env('USER_NAME'));
  await page.fill('input[name=password]', env('USER_PASSWORD'));
  await Promise.all([page.waitForURL('**/enterprises**'), page.click('button[type=submit]')]);
  const rows = await page.locator('#enterprise-table tr').count();
  check(rows > 1, `the registry list shows enterprises (${rows - 1} rows)`);
  const regions = await page.locator('#enterprise-table td:nth-child(3)').allInnerTexts();
  check(regions.every((r) => r.startsWith('浙江')), 'a 浙江 officer sees only 浙江 enterprises');
  await shot(page, 'registry');

  console.log('search');
  const firstName = (await page.locator('#enterprise-table tr:nth-child(2) td:nth-child(2)').innerText()).trim();
  const fragment = [...firstName].slice(0, 4).join('');
  await page.fill('#q', fragment);
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/enterprises?') && r.request().headers()['hx-request'] === 'true'),
    page.click('form#filters button[type=submit]'),
  ]);
  await page.waitForSelector('#results');
  const names = await page.locator('#enterprise-table td:nth-child(2)').allInnerTexts();
  check(names.length > 0 && names.every((n) => n.includes(fragment)), `searching "${fragment}" lists only matching names (${names.length})`);
  check(page.url().includes('q='), 'the search is in the address (htmx pushed the URL)');
  await shot(page, 'search');

  console.log('enterprise page');
  await Promise.all([page.waitForURL('**/enterprises/*'), page.locator('#enterprise-table td:nth-child(2) a').first().click()]);
  check((await page.locator('#identity h1').innerText()).includes(fragment), 'the enterprise page opens');
  const body = await page.locator('main').innerText();
  check(body.includes('企业规模划型') && body.includes('梯度培育判定'), 'size class and tier verdicts are shown');
  check(body.includes('能耗与碳排放') && body.includes('数字化评测证据'), 'the energy and carbon and the digital-index evidence sections are shown');
  await shot(page, 'enterprise');

  console.log('export the search');
  await page.goto(`${BASE}/enterprises?q=${encodeURIComponent(fragment)}`);
  const csv = await download(page, () => page.click('#export-csv'));
  const lines = csv.text.trim().split(/\r?\n/);
  check(lines[0].includes('统一社会信用代码'), `the export ${csv.name} has the import columns`);
  check(lines.length > 1 && lines.slice(1).every((l) => l.includes(fragment)), `the export follows the search (${lines.length - 1} rows)`);
  const xlsx = await download(page, () => page.click('#export-xlsx'));
  check(xlsx.bytes.subarray(0, 2).toString() === 'PK', `the XLSX export ${xlsx.name} is a workbook`);

  console.log('import a file with bad rows');
  await page.click('header a[href="/imports"]');
  await page.setInputFiles('#import-file', env('IMPORT_FILE'));
  await shot(page, 'import-form');
  await Promise.all([page.waitForURL('**/imports/*'), page.click('#import-form button[type=submit]')]);
  await page.waitForSelector('.job[data-phase="finished"], .job[data-phase="failed"]', { timeout: 60000 });
  check(await page.locator('.job').getAttribute('data-phase') === 'finished', 'the import finished (progress polled by htmx)');
  const imported = Number(await page.locator('td.imported').innerText());
  const outOfScope = Number(await page.locator('td.out-of-scope').innerText());
  const rejected = Number(await page.locator('td.rejected').innerText());
  check(imported > 0, `rows in 浙江 were imported (${imported})`);
  check(outOfScope > 0 && rejected > outOfScope, `rows outside 浙江 (${outOfScope}) and the bad row were rejected (${rejected})`);
  await shot(page, 'import-done');
  const report = await download(page, () => page.click('a.report-csv'));
  check(report.text.includes('超出辖区') && report.text.includes('out_of_scope'), `the report ${report.name} names out-of-scope rows`);
  check(report.text.includes('91330106MA27XK7R0X') && report.text.includes('invalid_uscc'), 'the report names the mistyped USCC');
  const reportXlsx = await download(page, () => page.click('a.report-xlsx'));
  check(reportXlsx.bytes.subarray(0, 2).toString() === 'PK', 'the XLSX report is a workbook');

  console.log('an oversized upload');
  await page.goto(`${BASE}/imports`);
  await page.setInputFiles('#import-file', env('TOO_BIG_FILE'));
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/imports') && r.request().method() === 'POST'),
    page.click('#import-form button[type=submit]'),
  ]);
  check(refused.status() === 413, `an upload over the limit gets 413 (${refused.status()})`);
  await page.waitForLoadState();
  check((await page.locator('main').innerText()).includes('文件过大'), 'the 413 page says the file is too large');
  await shot(page, 'upload-too-large');

  console.log('switch language');
  await page.goto(`${BASE}/enterprises`);
  await page.click('#lang-switch');
  await page.waitForURL('**lang=en**');
  check(await page.locator('html').getAttribute('lang') === 'en', 'the switch turns the console to English');
  check((await page.locator('header').innerText()).includes('Registry'), 'the navigation is in English');
  await page.goto(`${BASE}/imports`);
  check((await page.locator('h1').innerText()) === 'Import enterprises', 'the choice is remembered on the next page');
  await shot(page, 'english-imports');
  await page.goto(`${BASE}/enterprises`);
  await shot(page, 'english-registry');
  console.log('browser test passed');
} finally {
  await browser.close();
}
