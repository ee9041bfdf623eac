// The HTML report in a real browser (headless Chromium through playwright-core): a 100,000-event
// timeline renders without errors or network requests, the diagram has exactly the trace's lanes and
// draws its events, the violation window is highlighted, hover/click/zoom work, and trace text that
// looks like markup stays text (no injected script runs).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumPath } from '../../test/browser/chromium.js';
import { HOSTILE, bigResult } from '../../test/browser/fixtures.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';

/** What the page exposes about each diagram (see htmlAssets.ts). */
interface DiagramApi {
  lanes: string[];
  events: number;
  drawn: number;
  arrows: number;
  highlighted: number;
  highlightedLines: number[];
  frames: number;
  view(): { x0: number; x1: number; width: number };
  position(line: number): { x: number; y: number; index: number } | null;
}
declare const window: {
  __synodDiagrams: DiagramApi[];
  __synodDiagram: DiagramApi | null;
  __pwned?: number;
};

const EVENTS = 100_000;
const fixture = bigResult(EVENTS);
const dir = mkdtempSync(join(tmpdir(), 'synod-html-'));
const file = join(dir, 'report.html');
const url = pathToFileURL(file).href;

let browser: Browser;
let page: Page;
const problems: string[] = [];
const requests: string[] = [];
let loadMs = 0;

beforeAll(async () => {
  writeFileSync(file, renderHtml(fixture.result));
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  // Anything but the report itself is refused (and recorded above).
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  const t0 = performance.now();
  await page.goto(url);
  await page.waitForFunction(() => (window.__synodDiagrams[0]?.frames ?? 0) > 0, undefined, {
    timeout: 20_000,
  });
  loadMs = performance.now() - t0;
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The RGBA of the diagram canvas at a CSS-pixel point (page code as a string: no DOM types here). */
async function pixel(trace: number, x: number, y: number): Promise<number[]> {
  return page.evaluate<number[]>(`(() => {
    const canvas = document.querySelector('#diagram-${trace} canvas');
    const scale = canvas.width / canvas.clientWidth;
    const d = canvas.getContext('2d').getImageData(Math.round(${x} * scale), Math.round(${y} * scale), 1, 1).data;
    return [d[0], d[1], d[2], d[3]];
  })()`);
}

/** `[data-lane, text]` of each lane label of a diagram. */
async function laneLabels(trace: number): Promise<string[][]> {
  return page.evaluate<string[][]>(
    `[...document.querySelectorAll('#diagram-${trace} [data-lane]')].map((e) => [e.getAttribute('data-lane'), e.textContent])`,
  );
}

describe('the HTML report in Chromium', () => {
  test('renders 100,000 events without errors and without any network request', () => {
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(loadMs).toBeLessThan(15_000);
  });

  test('the verdict banner and the trace sections', async () => {
    expect(await page.locator('#verdict').getAttribute('data-verdict')).toBe('violated');
    expect(await page.locator('#verdict h1').textContent()).toBe('✗ safety violated');
    expect(await page.locator('section.trace[id^="trace-"]').count()).toBe(2);
    expect(await page.locator('#trace-0 table').first().locator('tbody tr').count()).toBe(3);
    expect(await page.locator('#trace-0 .chart svg polyline').count()).toBe(1);
  });

  test('the diagram has exactly the lanes of the trace and draws every event', async () => {
    const lanes = await laneLabels(0);
    expect(lanes).toEqual(fixture.nodes.map((n) => [n, n]));
    const api = await page.evaluate(() => {
      const d = window.__synodDiagrams[0]!;
      return { lanes: d.lanes, events: d.events, drawn: d.drawn, arrows: d.arrows };
    });
    expect(api.lanes).toEqual(fixture.nodes);
    expect(api.events).toBe(EVENTS);
    expect(api.drawn).toBe(EVENTS);
    expect(api.arrows).toBeGreaterThan(40_000);
    expect(await page.locator('#diagram-0').getAttribute('data-drawn')).toBe(String(EVENTS));
    // The second trace (3 nodes) has its own diagram.
    expect(await laneLabels(1)).toEqual([
      ['n1', 'n1'],
      ['n2', 'n2'],
      ['n3', 'n3'],
    ]);
  });

  test('the violation window is highlighted, and click shows an event line', async () => {
    const hl = await page.evaluate(() => {
      const d = window.__synodDiagrams[0]!;
      return { lines: d.highlightedLines, drawn: d.highlighted };
    });
    expect([...hl.lines].sort((a, b) => a - b)).toEqual([...fixture.windowLines].sort((a, b) => a - b));
    expect(hl.drawn).toBe(fixture.windowLines.length);
    await page.click('#diagram-0 [data-action="violation"]');
    await page.waitForFunction(() => window.__synodDiagrams[0]!.drawn < 1000);
    const line = fixture.windowLines[0]!;
    const at = await page.evaluate((l) => window.__synodDiagrams[0]!.position(l), line);
    expect(at).not.toBeNull();
    const [r, g, b] = await pixel(0, at!.x, at!.y);
    expect(r).toBeGreaterThan(180); // the red marker of a window event
    expect(g).toBeLessThan(90);
    expect(b).toBeLessThan(90);
    const box = (await page.locator('#diagram-0 canvas').boundingBox())!;
    await page.mouse.click(box.x + at!.x, box.y + at!.y);
    const detail = await page.locator('#diagram-0 [data-role="detail"]').textContent();
    expect(detail).toContain(`line ${line}`);
    expect(detail).toContain('in the violation window');
    // Hover shows the same event in a tooltip.
    await page.mouse.move(box.x + at!.x + 1, box.y + at!.y);
    expect(await page.locator('#diagram-0 .tip').textContent()).toContain(`line ${line}`);
  });

  test('zoom and pan change the view', async () => {
    await page.click('#diagram-0 [data-action="fit"]');
    await page.waitForFunction((n) => window.__synodDiagrams[0]!.drawn === n, EVENTS);
    const before = await page.evaluate(() => window.__synodDiagrams[0]!.view());
    const box = (await page.locator('#diagram-0 canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -600);
    await page.waitForFunction(
      (w) => window.__synodDiagrams[0]!.view().x1 - window.__synodDiagrams[0]!.view().x0 < w,
      before.x1 - before.x0,
    );
    const zoomed = await page.evaluate(() => window.__synodDiagrams[0]!.view());
    expect(await page.evaluate(() => window.__synodDiagrams[0]!.drawn)).toBeLessThan(EVENTS);
    await page.mouse.move(box.x + 400, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + 200, box.y + 40, { steps: 4 });
    await page.mouse.up();
    const panned = await page.evaluate(() => window.__synodDiagrams[0]!.view());
    expect(panned.x0).toBeGreaterThan(zoomed.x0);
    expect(panned.x1 - panned.x0).toBeCloseTo(zoomed.x1 - zoomed.x0, 3);
  });

  test('trace text that looks like markup is shown as text and never runs', async () => {
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
    await expect.poll(() => page.getByText(HOSTILE.script1, { exact: false }).first().isVisible()).toBe(true);
    const text = await page.locator('body').innerText();
    expect(text).toContain(`runs/big ${HOSTILE.script1}.ndjson`);
    expect(text).toContain(HOSTILE.script2);
    expect(await page.evaluate<string>("document.querySelector('#trace-0 h2').firstChild.textContent")).toBe(
      `runs/big ${HOSTILE.script1}.ndjson`,
    );
    expect(await page.locator('script').count()).toBe(2);
    expect(problems).toEqual([]);
  });

  test('the JUnit report of the same result parses as XML in the browser', async () => {
    const xml = JSON.stringify(renderJunit(fixture.result));
    const errors = await page.evaluate<number>(
      `new DOMParser().parseFromString(${xml}, 'application/xml').getElementsByTagName('parsererror').length`,
    );
    expect(errors).toBe(0);
  });
});
