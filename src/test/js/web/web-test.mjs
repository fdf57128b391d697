// Drives memdir serve's web view in Debian's chromium through playwright-core (issue #18).
// WebViewBrowserTest starts the server (a scripted model behind it) and runs this with
// MEMDIR_URL, AGENT_DIR (the agent's directory, for hand edits) and SCREENSHOTS set.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const url = process.env.MEMDIR_URL;
const agentDir = process.env.AGENT_DIR;
const shots = process.env.SCREENSHOTS;
fs.mkdirSync(shots, { recursive: true });

function check(cond, what, got) {
  if (!cond) throw new Error(`failed: ${what}; got ${JSON.stringify(got)}`);
  console.log(`ok ${what}`);
}

function handEdit(label, body) {
  const file = path.join(agentDir, 'memory', `${label}.md`);
  const text = fs.readFileSync(file, 'utf8');
  const end = text.indexOf('\n---\n', 4) + 5;
  fs.writeFileSync(file, text.slice(0, end) + body + '\n');
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'memdir-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
try {
  page.setDefaultTimeout(15000);
  await page.goto(`${url}/ui`);
  await page.click('text=web-agent');
  await page.waitForSelector('#block-human');
  check((await page.textContent('#block-human .chars')).includes('/'), 'open an agent', null);
  check((await page.textContent('#context')).includes('core memory'), 'context window sections', null);
  await page.screenshot({ path: path.join(shots, '1-agent.png'), fullPage: true });

  // Edit a block in place.
  await page.click('#block-human summary');
  await page.fill('#block-human textarea', 'Name: Ada Lovelace.\nEdited in the **web view**.');
  await Promise.all([page.waitForNavigation(), page.click('#block-human button[type=submit]')]);
  const shown = await page.innerHTML('#block-human .md');
  check(shown.includes('<strong>web view</strong>'), 'edit a block', shown);
  check(fs.readFileSync(path.join(agentDir, 'memory/human.md'), 'utf8').includes('Edited in the **web view**.'),
    'the edit is in memory/human.md', null);

  // A hand edit on disk appears without a reload.
  handEdit('human', 'Name: Ada.\nChanged by hand <script>alert(1)</script>.');
  await page.waitForFunction(() => document.querySelector('#block-human .md').textContent.includes('Changed by hand'));
  const sanitised = await page.innerHTML('#block-human .md');
  check(!sanitised.includes('<script>'), 'a hand edit appears, sanitised', sanitised);
  await page.screenshot({ path: path.join(shots, '2-hand-edit.png'), fullPage: true });

  // An edit begun before a concurrent hand edit shows the conflict instead of overwriting it.
  await page.click('#block-human summary');
  await page.fill('#block-human textarea', 'My version.');
  handEdit('human', 'Their version, by hand.');
  await page.waitForSelector('#block-human .stale:not([hidden])');
  await Promise.all([page.waitForNavigation(), page.click('#block-human button[type=submit]')]);
  check((await page.textContent('#disk-text')).includes('Their version, by hand.'), 'conflict shows the disk text', null);
  check((await page.inputValue('#your-text')) === 'My version.', 'conflict keeps my text', null);
  check(fs.readFileSync(path.join(agentDir, 'memory/human.md'), 'utf8').includes('Their version, by hand.'),
    'the hand edit is not clobbered', null);
  await page.screenshot({ path: path.join(shots, '3-conflict.png'), fullPage: true });

  // A scripted chat turn streams its tool call and text.
  await page.goto(`${url}/ui/a/web-agent`);
  await page.fill('#chat-form textarea', 'Please remember that I like tea.');
  await page.click('#chat-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('chat-status').textContent.startsWith('done'));
  const log = await page.textContent('#chat-log');
  check(log.includes('archival_memory_insert') && log.includes('Hi from the script.'), 'a scripted chat turn', log);
  await page.screenshot({ path: path.join(shots, '4-chat.png'), fullPage: true });

  await page.goto(`${url}/ui/a/web-agent/history?role=user`);
  check((await page.textContent('#history')).includes('Please remember that I like tea.'), 'history filtered by role', null);
  await page.goto(`${url}/ui/a/web-agent/archival?q=tea`);
  check((await page.textContent('#facts')).includes('likes tea'), 'archival search', null);
  await page.screenshot({ path: path.join(shots, '5-archival.png'), fullPage: true });
  await page.goto(`${url}/ui/a/web-agent/files?grep=Venice`);
  check((await page.textContent('#files')).includes('travel.md'), 'files grep', null);
  // files search (BM25), typed into the form as a person would, then the hit opened.
  await page.goto(`${url}/ui/a/web-agent/files`);
  await page.fill('#files input[name=q]', 'Rialto dawn');
  await Promise.all([page.waitForURL(/[?&]q=Rialto/), page.click('#files form:has(input[name=q]) button')]);
  const searched = await page.textContent('#files');
  check(searched.includes('Search') && searched.includes('The Rialto at dawn.'), 'files search', searched.slice(0, 600));
  const hit = page.locator('#files h3:text-is("Search") + table a').first();
  check((await hit.textContent()).startsWith('travel.md'), 'files search hit names the file', await hit.textContent());
  await Promise.all([page.waitForURL(/[?&]open=travel\.md/), hit.click()]);
  check((await page.textContent('#files pre')).includes('The Rialto at dawn.'), 'files search hit opens the file', null);
  await page.screenshot({ path: path.join(shots, '6-files-search.png'), fullPage: true });
  await page.goto(`${url}/ui/a/web-agent/files?q=gondola`);
  check(!(await page.textContent('#files')).includes('The Rialto at dawn.'), 'files search without a match shows no hit', null);
  console.log('web test done');
} catch (e) {
  const page = context.pages()[0];
  if (page) {
    console.log(`at ${page.url()}: ${(await page.textContent('body')).slice(0, 800)}`);
    await page.screenshot({ path: path.join(shots, 'failure.png'), fullPage: true });
  }
  throw e;
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
