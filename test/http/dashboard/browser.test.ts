// The dashboard in a real browser (Debian's chromium via playwright-core): the whole path a user takes.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdirSync } from 'node:fs'
import OpenAI from 'openai'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { formatUsdExact } from '../../../src/money/usd'
import { startHub, type TestHub } from '../../helpers'
import { startFakeStripe, stripeHubOptions, type FakeStripe } from '../../support/fake-stripe'
import { freePort, makeUser, PASSWORD, settleLog } from '../../support/session'

const ARTIFACTS = 'test-artifacts/dashboard'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

let hub: TestHub
let stripe: FakeStripe
let browser: Browser
let alice: { email: string; accountId: string }
let adminEmail: string

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true })
  stripe = startFakeStripe()
  const port = freePort()
  const options = stripeHubOptions(stripe)
  // The browser follows Stripe's redirect back to public_url, so it must be this very server.
  hub = await startHub({
    config: { server: { port, public_url: `http://127.0.0.1:${port}` }, stripe: { ...options.config.stripe, min_topup_usd: 1 } },
    deps: { env: options.env },
  })
  stripe.hubUrl = hub.url
  alice = await makeUser(hub, { balanceUsd: '5.00' })
  adminEmail = (await makeUser(hub, { isAdmin: true })).email
  // One browser for the whole file (Playwright gives it a fresh temporary profile); a context per person.
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
})
afterAll(async () => {
  await browser?.close()
  await hub?.close()
  stripe?.close()
})

const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true })

async function signIn(context: BrowserContext, email: string, screenshot?: string): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${hub.url}/dashboard`)
  expect(new URL(page.url()).pathname).toBe('/login')
  await page.fill('input[name=email]', email)
  await page.fill('input[name=password]', PASSWORD)
  if (screenshot) await shot(page, screenshot)
  await Promise.all([page.waitForURL(`${hub.url}/dashboard`), page.click('button[type=submit]')])
  return page
}

const balanceText = async (page: Page) => (await page.textContent('[data-testid=balance]'))!.trim()

describe('a user in the dashboard', () => {
  let context: BrowserContext
  let page: Page
  let key: string
  let inviteUrl: string

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: hub.url })
  })
  afterAll(() => context.close())

  test('signs in and sees the overview', async () => {
    page = await signIn(context, alice.email, '01-sign-in')
    expect(await balanceText(page)).toBe('$5.0000')
    expect(await page.textContent('h1')).toBe('Overview')
    await shot(page, '02-overview')
  })

  test('mints a key, sees it once and copies it', async () => {
    await page.click('nav >> text=API keys')
    await page.fill('[data-testid=mint-form] input[name=name]', 'browser-key')
    await page.fill('[data-testid=mint-form] input[name=budget_usd]', '3')
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid=mint-form] button[type=submit]')])
    const shown = await page.inputValue('#new-key-value')
    expect(shown).toMatch(/^sk-th_[0-9A-Za-z]{40}$/)
    await page.click('[data-copy=new-key-value]')
    await page.waitForFunction(() => document.querySelector('[data-copy=new-key-value]')?.textContent === 'Copied')
    key = await page.evaluate(() => navigator.clipboard.readText())
    expect(key).toBe(shown)
    await shot(page, '03-keys-new-key')
    // Shown once: a reload lists the key by its prefix only.
    await page.goto(`${hub.url}/dashboard/keys`)
    expect(await page.locator('#new-key-value').count()).toBe(0)
    const row = page.locator('[data-testid=keys-table] tr', { hasText: 'browser-key' })
    expect(await row.count()).toBe(1)
    expect(await row.textContent()).toContain(shown.slice(0, 12))
    expect(await page.content()).not.toContain(shown)
  })

  test('uses the key with the openai SDK and sees the call in Activity with its cost', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
    const { response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello from the browser test' }] })
      .withResponse()
    const requestId = response.headers.get('x-request-id')!
    const cost = Number(response.headers.get('x-token-hub-cost-usd'))
    expect(cost).toBeGreaterThan(0)
    await settleLog(hub)
    await page.click('nav >> text=Activity')
    const row = page.locator(`tr[data-request-id="${requestId}"]`)
    expect(await row.count()).toBe(1)
    expect((await row.locator('[data-testid=cost]').textContent())!.trim()).toBe(`$${formatUsdExact(Math.round(cost * 1e6))}`)
    expect(await row.textContent()).toContain('browser-key')
    expect(await row.textContent()).toContain('gpt-4o')
    await shot(page, '04-activity')
    await row.locator('a').click()
    await page.waitForSelector('[data-testid=request-details]')
    expect(await page.textContent('[data-testid=request-details]')).toContain(requestId)
    await shot(page, '05-request-lookup')
    await page.click('nav >> text=Overview')
    await shot(page, '06-overview-after-call')
  })

  test('revokes the key: it leaves the list and the next call fails with 401', async () => {
    await page.click('nav >> text=API keys')
    page.once('dialog', (dialog) => void dialog.accept())
    const row = page.locator('[data-testid=keys-table] tr', { hasText: 'browser-key' })
    await Promise.all([page.waitForLoadState('load'), row.locator('button', { hasText: 'Revoke' }).click()])
    await page.waitForSelector('.flash.notice')
    expect(await page.textContent('.flash.notice')).toContain('revoked')
    expect(await page.locator('[data-testid=keys-table] tr', { hasText: 'browser-key' }).count()).toBe(0)
    await shot(page, '07-keys-after-revoke')
    const client = new OpenAI({ apiKey: key, baseURL: `${hub.url}/v1`, maxRetries: 0 })
    const failure = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'again' }] })
      .catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(OpenAI.AuthenticationError)
  })

  test('tops up through (fake) Stripe Checkout and sees the balance rise', async () => {
    const before = Number((await (await hub.admin('GET', `/admin/accounts/${alice.accountId}`)).json()).balance_usd)
    await page.click('nav >> text=Top up')
    await page.check('input[name=currency][value=usd]')
    await page.fill('input[name=amount]', '20')
    expect(await page.textContent('[data-topup-preview]')).toContain('$20.0000')
    await shot(page, '08-topup')
    await Promise.all([page.waitForURL(`${stripe.url}/pay/**`), page.click('[data-testid=topup-form] button[type=submit]')])
    expect(await page.textContent('#amount')).toBe('USD 20.00')
    await shot(page, '09-fake-checkout')
    await Promise.all([page.waitForURL(`${hub.url}/dashboard/topup/success**`), page.click('#pay')])
    await page.waitForSelector('[data-testid=topup-success]')
    expect(await page.textContent('[data-testid=topup-success]')).toContain('$20.0000')
    await shot(page, '10-topup-success')
    await page.click('nav >> text=Overview')
    expect(await balanceText(page)).toBe(`$${(before + 20).toFixed(4)}`)
    await page.click('nav >> text=Top up')
    expect(await page.locator('[data-testid=topups-table] tr', { hasText: '$20.00' }).count()).toBe(1)
    await shot(page, '11-topup-history')
  })

  test('the team page lists the people of the account and makes invite links', async () => {
    await page.click('nav >> text=Team')
    await page.fill('input[name=email]', 'teammate@test.local')
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/dashboard/team/invite"] button')])
    inviteUrl = await page.inputValue('#invite-url')
    expect(inviteUrl).toMatch(/\/invite\/[0-9A-Za-z]{40}$/)
    await shot(page, '12-team')
  })

  test('edits a key’s limits and sees the cancel page of an abandoned checkout', async () => {
    await page.click('nav >> text=API keys')
    await page.fill('[data-testid=mint-form] input[name=name]', 'limited')
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid=mint-form] button[type=submit]')])
    const row = page.locator('[data-testid=keys-table] tr', { hasText: 'limited' })
    const keyId = (await row.getAttribute('data-key-id'))!
    const expiresBefore = (await hub.hub.store.keys.get(keyId))!.expiresAt
    await Promise.all([page.waitForLoadState('load'), row.locator('a', { hasText: 'Edit' }).click()])
    await page.check('input[name=models][value=gpt-4o-mini]')
    await page.fill('input[name=rpm]', '12')
    await page.fill('input[name=budget_usd]', '4')
    await shot(page, '16-key-edit')
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Save limits")')])
    expect(await page.textContent('.flash.notice')).toContain('saved')
    const saved = page.locator('[data-testid=keys-table] tr', { hasText: 'limited' })
    expect(await saved.textContent()).toContain('gpt-4o-mini')
    expect(await saved.textContent()).toContain('$4.00')
    const edited = (await hub.hub.store.keys.get(keyId))!
    expect(edited).toMatchObject({ models: ['gpt-4o-mini'], rpm: 12, budgetMicros: 4_000_000, expiresAt: expiresBefore })
    await page.goto(`${hub.url}/dashboard/topup/cancel`)
    expect(await page.textContent('h1')).toBe('Checkout canceled')
    await shot(page, '17-topup-cancel')
  })

  test('signs out; the page then needs a new sign-in', async () => {
    await Promise.all([page.waitForURL(`${hub.url}/login`), page.click('.who button')])
    expect(await page.textContent('.flash')).toContain('Signed out')
    await page.goto(`${hub.url}/dashboard/keys`)
    expect(new URL(page.url()).pathname).toBe('/login')
  })

  test('the invitee opens the link, chooses a password and lands in the same account', async () => {
    const invitee = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    try {
      const invitePage = await invitee.newPage()
      await invitePage.goto(inviteUrl.replace(/^https?:\/\/[^/]+/, hub.url))
      expect(await invitePage.textContent('main, .auth')).toContain('teammate@test.local')
      await shot(invitePage, '18-invite')
      await invitePage.fill('input[name=password]', PASSWORD)
      await Promise.all([invitePage.waitForURL(`${hub.url}/dashboard`), invitePage.click('button[type=submit]')])
      expect(await invitePage.textContent('.who')).toContain('teammate@test.local')
      expect(await invitePage.locator('[data-testid=mint-form]').count()).toBe(0)
      await invitePage.goto(`${hub.url}/dashboard/keys`)
      expect(await invitePage.locator('[data-testid=mint-form]').count()).toBe(0)
      expect(await invitePage.textContent('main')).toContain('Members see the account')
    } finally {
      await invitee.close()
    }
  })
})

describe('an admin in the dashboard', () => {
  test('sees every account, adds credits and refunds a top-up’s unused credit', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    try {
      const page = await signIn(context, adminEmail)
      await page.click('nav >> text=Admin')
      expect(await page.locator('[data-testid=accounts-table] tr', { hasText: alice.email }).count()).toBe(1)
      await shot(page, '13-admin-accounts')
      await page.click(`text=${alice.email}`)
      const before = (await page.textContent('[data-testid=admin-balance]'))!.trim()
      await page.fill('[data-testid=credit-form] input[name=amount_usd]', '2.50')
      await page.fill('[data-testid=credit-form] input[name=note]', 'goodwill')
      await Promise.all([page.waitForLoadState('load'), page.click('[data-testid=credit-form] button')])
      expect(await page.textContent('.flash.notice')).toContain('Credited $2.5000')
      expect((await page.textContent('[data-testid=admin-balance]'))!.trim()).toBe(`$${(Number(before.slice(1)) + 2.5).toFixed(4)}`)
      page.once('dialog', (dialog) => void dialog.accept())
      const refund = page.locator('[data-testid=topups-table] button', { hasText: 'Refund unused' })
      expect(await refund.count()).toBe(1)
      await shot(page, '14-admin-account')
      await Promise.all([page.waitForLoadState('load'), refund.click()])
      expect(await page.textContent('.flash.notice')).toContain('Refunded USD')
      expect(stripe.refunds).toHaveLength(1)
      expect(await page.locator('[data-testid=topups-table] .badge.info').count()).toBe(1)
      await shot(page, '15-admin-after-refund')
    } finally {
      await context.close()
    }
  })
})

describe('without JavaScript', () => {
  test('signing in and minting a key work with plain forms', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } })
    try {
      const page = await signIn(context, alice.email)
      await page.goto(`${hub.url}/dashboard/keys`)
      await page.fill('[data-testid=mint-form] input[name=name]', 'no-js')
      await Promise.all([page.waitForLoadState('load'), page.click('[data-testid=mint-form] button[type=submit]')])
      expect(await page.inputValue('#new-key-value')).toMatch(/^sk-th_/)
      await page.goto(`${hub.url}/dashboard/activity?status=ok`)
      expect(await page.locator('[data-testid=activity-table] tbody tr').count()).toBeGreaterThan(0)
    } finally {
      await context.close()
    }
  })
})
