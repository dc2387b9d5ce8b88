// End-to-end tests of the Casebook web app in Debian's Chromium, driven by playwright-core.
// Run by tests/test_app.py: CASEBOOK_URL, SCREENSHOTS, UPLOAD_TXT, UPLOAD_TXT_COUNTRY, CORRUPT_PDF.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

const url = process.env.CASEBOOK_URL;
const shots = process.env.SCREENSHOTS;
mkdirSync(shots, { recursive: true });
const TIMEOUT = 120_000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
const page = await context.newPage();
page.setDefaultTimeout(TIMEOUT);

async function step(name, body) {
  const started = Date.now();
  try {
    await body();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    await page.screenshot({ path: join(shots, `failed-${name}.png`), fullPage: true }).catch(() => {});
    console.log(`FAIL ${name}: ${error.stack || error}`);
    await browser.close();
    process.exit(1);
  }
}

await step("page-loads", async () => {
  await page.goto(url, { waitUntil: "domcontentloaded" });
  await page.locator("#question textarea").waitFor();
});

await step("chat-answer-opens-jordan-citation", async () => {
  await page.locator("#question textarea").fill("Quelle organisation gère le refuge pour les victimes de la traite ?");
  await page.locator("#ask-button").click();
  const marker = page.locator("#chatbot a[href*='#cite-']").first();
  await marker.waitFor();
  await marker.click();
  const card = page.locator("#cite-panel .cite-slot.selected");
  await card.waitFor();
  const text = await card.innerText();
  assert.match(text, /Jordanie/);
  assert.match(text, /2016-2019/);
  assert.ok(await card.locator("mark").count() > 0, "the supporting sentence is highlighted");
  await page.screenshot({ path: join(shots, "chat.png"), fullPage: true });
});

await step("lessons-filter-by-criterion-10-and-export-csv", async () => {
  await page.getByRole("tab", { name: "Lessons learnt" }).click();
  await page.locator("#lessons-query textarea, #lessons-query input").first().fill("formation des inspecteurs");
  await page.locator("#lessons-criteria input").click();
  await page.getByRole("option", { name: /^10\./ }).click();
  await page.keyboard.press("Escape");
  await page.locator("#lessons-search").click();
  const group = page.locator("#lessons-results .lesson-group").first();
  await group.waitFor();
  const criteria = await page.locator("#lessons-results .passage-criteria").allInnerTexts();
  assert.ok(criteria.length > 0);
  for (const line of criteria) assert.match(line, /10\./);
  const link = page.locator("#lessons-csv a").first();
  await link.waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const saved = join(mkdtempSync(join(tmpdir(), "casebook-csv-")), "lessons.csv");
  await download.saveAs(saved);
  const csv = readFileSync(saved, "utf-8");
  assert.match(csv.split("\n")[0], /^action,country,years,section,criteria/);
  assert.match(csv, /Jordanie/);
  await page.screenshot({ path: join(shots, "lessons.png"), fullPage: true });
});

async function waitForText(selector, text) {
  await page.waitForFunction(
    ([sel, wanted]) => (document.querySelector(sel)?.innerText || "").includes(wanted),
    [selector, text],
    { timeout: TIMEOUT },
  );
}

// After an ingest the app clears the upload widget, which re-renders it: a file set on the old
// input while that happens is lost, so the file is set again until the widget shows it.
async function upload(file) {
  const name = file.split("/").pop();
  for (let attempt = 1; ; attempt++) {
    await page.locator("#upload input[type=file]").setInputFiles(file);
    try {
      await page.locator("#upload").getByText(name).first().waitFor({ timeout: 15000 });
      break;
    } catch (error) {
      if (attempt === 4) throw error;
    }
  }
  await page.locator("#ingest-button").click();
}

await step("library-upload-txt-is-listed", async () => {
  await page.getByRole("tab", { name: "Library" }).click();
  await waitForText("#library-table", "Jordanie");
  await upload(process.env.UPLOAD_TXT);
  await waitForText("#ingest-report", "added");
  await waitForText("#library-table", process.env.UPLOAD_TXT_COUNTRY);
  await page.screenshot({ path: join(shots, "library.png"), fullPage: true });
});

await step("library-corrupt-pdf-is-reported-and-library-intact", async () => {
  await upload(process.env.CORRUPT_PDF);
  await waitForText("#ingest-report", "failed");
  const report = await page.locator("#ingest-report").innerText();
  assert.match(report, /corrupt\.pdf/);
  const table = await page.locator("#library-table").innerText();
  assert.match(table, /Jordanie/);
  assert.match(table, new RegExp(process.env.UPLOAD_TXT_COUNTRY));
  await page.screenshot({ path: join(shots, "library-error.png"), fullPage: true });
});

await step("quiz-preview-and-download", async () => {
  await page.getByRole("tab", { name: "Quiz" }).click();
  await page.locator("#quiz-button").click();
  await page.locator("#quiz-file a").first().waitFor();
  const preview = await page.locator("#quiz-preview").innerText();
  assert.ok(preview.trim().length > 0, "the quiz preview is shown");
  await page.screenshot({ path: join(shots, "quiz.png"), fullPage: true });
});

await browser.close();
console.log("all browser steps passed");
