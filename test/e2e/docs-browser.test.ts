/**
 * `/docs` in a real browser (Debian's Chromium driven by playwright-core): the page renders every
 * operation without Swagger UI's error block, and Try it out → Execute on `PUT /v1/users/{uid}`,
 * with the prefilled example, really registers the user on the running server. `.ci/run` installs
 * Chromium when it is missing; only when it still cannot be found is this skipped, saying so.
 * A screenshot of each step is written to `IMBRIDGE_SCREENSHOTS` (default: the system temp dir).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveImbridge } from '../../src/conformance/index.js';
import type { RunningImbridge } from '../../src/server/start-server.js';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((path): path is string => path !== undefined && path !== '');
const executablePath = CANDIDATES.find((path) => existsSync(path));
const screenshots = process.env.IMBRIDGE_SCREENSHOTS ?? join(tmpdir(), 'imbridge-docs-screenshots');

if (executablePath === undefined) {
  // eslint-disable-next-line no-console -- the skip must say why in the CI log
  console.warn(`docs-browser: SKIPPED, no Chromium found (tried ${CANDIDATES.join(', ')}); install it with: apt-get install -y chromium`);
}

describe.skipIf(executablePath === undefined)('/docs in Chromium', () => {
  let running: RunningImbridge;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    running = await serveImbridge({ defaultBackend: 'local', backends: { local: { vendor: 'native', store: { driver: 'memory' } } } });
    // Root in CI: Chromium's sandbox needs a user namespace it may not get there.
    browser = await chromium.launch({ executablePath: executablePath!, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 2000 } });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  it('renders every operation, with no error block', async () => {
    const document = (await (await fetch(`${running.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>>; webhooks?: Record<string, Record<string, unknown>> };
    // Swagger UI renders the 3.1 `webhooks` (the event delivery) as operations too.
    const operations = [...Object.values(document.paths), ...Object.values(document.webhooks ?? {})].reduce((count, item) => count + Object.keys(item).length, 0);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // The server's bare address leads to the documentation.
    await page.goto(`${running.url}/`);
    expect(new URL(page.url()).pathname).toBe('/docs');
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 10_000 }).toBe(operations);
    // Swagger UI shows problems with the document (such as an unsupported jsonSchemaDialect) in this block.
    expect(await page.locator('.errors-wrapper').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'docs.png'), fullPage: false });
  }, 60_000);

  it('Try it out → Execute on PUT /v1/users/{uid} registers the example user', async () => {
    const operation = page.locator('#operations-Users-putUser');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    // The prefilled values are the document's examples: uid `alice`, body {"name":"Alice Martin"}.
    await expect.poll(() => operation.locator('input[placeholder="uid"]').inputValue()).toBe('alice');
    expect(JSON.parse(await operation.locator('textarea.body-param__text').inputValue())).toEqual({ name: 'Alice Martin' });
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 15_000 });
    expect((await status.innerText()).trim()).toBe('200');
    await page.screenshot({ path: join(screenshots, 'try-it-out.png'), fullPage: false });
    // The server itself now holds the user, as the page said.
    const user = await (await fetch(`${running.url}/v1/users/alice`)).json();
    expect(user).toEqual({ uid: 'alice', name: 'Alice Martin', extra: null });
  }, 60_000);
});
