// `next=` tricks in a real browser (Debian's chromium via playwright-core): after sign-in it always ends on this server.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Server } from 'bun'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startHub, type TestHub } from '../../helpers'
import { makeUser, PASSWORD } from '../../support/session'

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** As typed into the address bar (percent-encoded where a URL must be). */
const TRICKS = [
  '/%09/evil.example/x',
  '/%0A/evil.example/x',
  '/%5Cevil.example/x',
  '/.//evil.example/x',
  '//evil.example/x',
  'https://evil.example/x',
]

let hub: TestHub
let evil: Server<undefined>
let browser: Browser
let email: string

beforeAll(async () => {
  hub = await startHub()
  email = (await makeUser(hub)).email
  // evil.example resolves to a local page of its own, so a redirect off-site lands somewhere visible instead of failing DNS.
  evil = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: () => new Response('<h1>off-site</h1>', { headers: { 'content-type': 'text/html' } }),
  })
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP evil.example 127.0.0.1:${evil.port}`],
  })
})
afterAll(async () => {
  await browser?.close()
  evil?.stop(true)
  await hub?.close()
})

/** The page's heading as it is now (no waiting: a page without one answers null). */
const heading = (page: Page) => page.evaluate(() => document.querySelector('h1')?.textContent ?? null)

describe('next= after sign-in in chromium', () => {
  test('the off-site page is reachable, so a redirect there would be seen', async () => {
    const page = await browser.newPage()
    await page.goto('http://evil.example/x')
    expect(await heading(page)).toBe('off-site')
    await page.close()
  })

  for (const trick of TRICKS) {
    test(`signing in from /login?next=${trick} ends on the gateway`, async () => {
      const context = await browser.newContext()
      try {
        const page = await context.newPage()
        await page.goto(`${hub.url}/login?next=${trick}`)
        await page.fill('input[name=email]', email)
        await page.fill('input[name=password]', PASSWORD)
        await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')])
        expect(new URL(page.url()).origin).toBe(hub.url)
        expect(await heading(page)).toBe('Overview')
        // Signed in already: /login with the same next redirects at once, on-site too.
        await page.goto(`${hub.url}/login?next=${trick}`)
        expect(new URL(page.url()).origin).toBe(hub.url)
        expect(await heading(page)).toBe('Overview')
      } finally {
        await context.close()
      }
    })
  }
})
