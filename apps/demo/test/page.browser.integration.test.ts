import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../src/web-build.ts';
import { launchBrowser, SCREENSHOT_DIR } from './support/browser.ts';
import { startTestApi, type TestApi } from './support/test-api.ts';

const live = {
  id: 't-live',
  name: 'Live fan-out',
  nodes: [
    { id: 'start', type: 'sleep', config: { ms: 700 }, outputs: ['left', 'right'] },
    { id: 'left', type: 'sleep', config: { ms: 900 }, outputs: ['join'] },
    { id: 'right', type: 'sleep', config: { ms: 1300 }, outputs: ['join'] },
    { id: 'join', type: 'notify' },
  ],
};
const pausable = {
  id: 't-pausable',
  nodes: [
    { id: 'first', type: 'sleep', config: { ms: 1500 }, outputs: ['second'] },
    { id: 'second', type: 'sleep', config: { ms: 300 }, outputs: ['third'] },
    { id: 'third', type: 'notify' },
  ],
};

const WAIT = { timeout: 20_000 };

describe('the page (chromium)', () => {
  let t: TestApi;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const pageErrors: string[] = [];

  function node(id: string, status?: string) {
    return page.locator(
      `.react-flow__node [data-node-id="${id}"]${status ? `[data-status="${status}"]` : ''}`,
    );
  }

  async function screenshot(name: string) {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
  }

  beforeAll(async () => {
    const webDir = await ensureWebBuild();
    t = await startTestApi({ webDir });
    for (const definition of [live, pausable]) {
      expect((await t.call('POST', '/api/workflows', { body: definition })).status).toBe(201);
    }
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('starts an execution from the workflow page and shows its nodes turn completed live', async () => {
    await page.goto(`${t.url}/workflows/t-live`);
    await page.getByTestId('run-input').fill('{"order": 7}');
    await page.getByTestId('run-workflow').click();
    await page.waitForURL(/\/executions\/[0-9a-f-]{36}$/, WAIT);
    const executionId = page.url().split('/').at(-1) as string;
    // Seen running, then completed, without a reload.
    await node('left', 'running').waitFor(WAIT);
    await screenshot('run-view-running');
    await expect
      .poll(() => page.locator('[data-node-id][data-status="completed"]').count(), WAIT)
      .toBe(4);
    await expect
      .poll(() => page.getByTestId('execution-status').textContent(), WAIT)
      .toBe('completed');
    expect(page.url()).toContain(executionId);
    await node('join').click();
    await expect
      .poll(() => page.getByTestId('node-panel').getAttribute('data-node-id'))
      .toBe('join');
    expect(await page.getByTestId('node-output').textContent()).toContain('"notified": true');
    await screenshot('run-view-completed');
    const stored = await t.call('GET', `/api/executions/${executionId}`);
    expect(stored.body.initialData).toEqual({ order: 7 });
    expect(pageErrors).toEqual([]);
  });

  it('pauses and resumes an execution from the buttons', async () => {
    const { body } = await t.call('POST', '/api/workflows/t-pausable/execute', { body: {} });
    await page.goto(`${t.url}/executions/${body.executionId}`);
    await node('first', 'running').waitFor(WAIT);
    await page.getByTestId('pause').click();
    await expect
      .poll(() => page.getByTestId('execution-status').textContent(), WAIT)
      .toBe('paused');
    // The running node finishes; the next one is held until resume.
    await node('second', 'held').waitFor(WAIT);
    await expect.poll(() => node('first').getAttribute('data-status'), WAIT).toBe('completed');
    await screenshot('run-view-paused');
    await page.getByTestId('resume').click();
    await expect
      .poll(() => page.getByTestId('execution-status').textContent(), WAIT)
      .toBe('completed');
    await expect
      .poll(() => page.locator('[data-node-id][data-status="completed"]').count(), WAIT)
      .toBe(3);
    expect(pageErrors).toEqual([]);
  });

  it('builds a two-node workflow in the editor, saves and runs it, and lands in the run view', async () => {
    await page.goto(`${t.url}/editor`);
    const canvas = page.getByTestId('canvas');
    await page.locator('[data-node-type="sleep"]').waitFor(WAIT);
    const box = await canvas.boundingBox();
    if (!box) throw new Error('no canvas');
    await page.locator('[data-node-type="sleep"]').dragTo(canvas, {
      targetPosition: { x: box.width * 0.25, y: box.height * 0.4 },
    });
    await page.locator('[data-node-type="notify"]').dragTo(canvas, {
      targetPosition: { x: box.width * 0.65, y: box.height * 0.4 },
    });
    await node('sleep').waitFor(WAIT);
    await node('notify').waitFor(WAIT);
    // The form comes from the type's config schema: set the sleep's ms.
    await node('sleep').click();
    await page.getByTestId('config-ms').fill('150');
    // Connect: from the sleep's output handle to the notify's input handle.
    const from = await page
      .locator('.react-flow__node[data-id="sleep"] .react-flow__handle.source')
      .boundingBox();
    const to = await page
      .locator('.react-flow__node[data-id="notify"] .react-flow__handle.target')
      .boundingBox();
    if (!from || !to) throw new Error('no handles');
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2 - 20, to.y + to.height / 2, { steps: 8 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => page.locator('.react-flow__edge').count(), WAIT).toBe(1);
    await page.getByTestId('workflow-id').fill('t-edited');
    await page.getByTestId('workflow-name').fill('Made in the editor');
    await page.getByTestId('editor-input').fill('{"from": "editor"}');
    await screenshot('editor');
    await page.getByTestId('save-and-run').click();
    await page.waitForURL(/\/executions\/[0-9a-f-]{36}$/, WAIT);
    await expect
      .poll(() => page.locator('[data-node-id][data-status="completed"]').count(), WAIT)
      .toBe(2);

    const saved = await t.call('GET', '/api/workflows/t-edited');
    expect(saved.body.version).toBe(1);
    expect(saved.body.definition).toMatchObject({
      name: 'Made in the editor',
      nodes: [
        { id: 'sleep', type: 'sleep', config: { ms: 150 }, outputs: ['notify'] },
        { id: 'notify', type: 'notify', outputs: [] },
      ],
    });
    const executionId = page.url().split('/').at(-1) as string;
    const run = await t.call('GET', `/api/executions/${executionId}`);
    expect(run.body.nodes[1].result.data.about).toEqual({ from: 'editor' });
    expect(pageErrors).toEqual([]);
  });

  it('lists workflows and executions, and serves a shared run-view link directly', async () => {
    await page.goto(`${t.url}/`);
    await page.locator('[data-workflow-id="t-live"]').waitFor(WAIT);
    await page.goto(`${t.url}/executions`);
    await page.getByTestId('filter-status').selectOption('completed');
    await page.locator('tr[data-execution-id]').first().waitFor(WAIT);
    const link = page.locator('tr[data-execution-id] a').first();
    await link.click();
    await page.waitForURL(/\/executions\/[0-9a-f-]{36}$/, WAIT);
    await page.getByTestId('run-view').waitFor(WAIT);
    await page.reload();
    await page.getByTestId('run-view').waitFor(WAIT);
    expect(await page.getByTestId('run-view').getAttribute('data-execution-status')).toBe(
      'completed',
    );
    expect(pageErrors).toEqual([]);
  });
});
