// Usage, Credits, Models, Activity, key snippets and alert banners in a real browser (Debian's chromium), with screenshots.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdirSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { chatBody, post, startHub, type TestHub } from '../../helpers'
import { logRow } from '../../support/log-rows'
import { freePort, makeUser, PASSWORD, settleLog } from '../../support/session'

/** Screenshots land here (gitignored: test-artifacts/). */
const ARTIFACTS = 'test-artifacts/dashboard-insights'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
]
const DAY = 86_400_000

let hub: TestHub
let browser: Browser
let user: { email: string; accountId: string }
let adminEmail: string
let failedId: string

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true })
  const port = freePort()
  hub = await startHub({ config: { server: { port, public_url: `http://127.0.0.1:${port}` } } })
  user = await makeUser(hub)
  adminEmail = (await makeUser(hub, { isAdmin: true })).email
  await hub.admin('POST', `/admin/accounts/${user.accountId}/credits`, { amount_usd: '25.00', note: 'PO 2026-117' })
  await hub.admin('POST', `/admin/accounts/${user.accountId}/credits`, { amount_usd: '-2.00', note: 'duplicate credit reversed' })
  const backend = await hub.mintKey(user.accountId, { name: 'backend', budget_usd: '0.05' })
  const batch = await hub.mintKey(user.accountId, { name: 'batch-jobs' })
  for (let i = 0; i < 4; i++) await post(hub, '/v1/chat/completions', backend.key, chatBody(`hello ${i}`, { max_tokens: 200 }))
  await post(hub, '/v1/chat/completions', batch.key, chatBody('summarise this', { model: 'gpt-4o', max_tokens: 100 }))
  failedId = (await post(hub, '/v1/chat/completions', backend.key, chatBody('x', { model: 'broken-500' }))).headers.get('x-request-id')!
  await fetch(`${hub.url}/v1/models`, { headers: { authorization: `Bearer ${backend.key}` } })
  await settleLog(hub)
  // Two weeks of earlier calls, written as the log writer writes them, so the chart has days to stack.
  const now = hub.clock.now()
  const earlier = Array.from({ length: 14 * 6 }, (_, i) =>
    logRow(`req_past_${i}`, now - (1 + Math.floor(i / 6)) * DAY, {
      accountId: user.accountId,
      keyId: i % 3 === 0 ? batch.id : backend.id,
      model: ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'][i % 3]!,
      route: i % 3 === 2 ? '/v1/embeddings' : '/v1/chat/completions',
      costMicros: 200 + ((i * 37) % 900),
      promptTokens: 40 + i,
      completionTokens: i % 3 === 2 ? 0 : 90 + i,
    }),
  )
  await hub.hub.store.requestLog.insertMany(earlier)
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
})
afterAll(async () => {
  await browser?.close()
  await hub?.close()
})

const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true })

async function signIn(context: BrowserContext, email: string): Promise<Page> {
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  // The browser asks for /favicon.ico on its own; every other failed load is the page's.
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) errors.push(`${response.status()} ${response.url()}`)
  })
  ;(page as Page & { jsErrors?: string[] }).jsErrors = errors
  await page.goto(`${hub.url}/login`)
  await page.fill('input[name=email]', email)
  await page.fill('input[name=password]', PASSWORD)
  await Promise.all([page.waitForURL(`${hub.url}/dashboard`), page.click('button[type=submit]')])
  return page
}
const jsErrors = (page: Page) => (page as Page & { jsErrors?: string[] }).jsErrors ?? []

describe('a user', () => {
  let context: BrowserContext
  let page: Page
  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: hub.url })
    page = await signIn(context, user.email)
  })
  afterAll(() => context.close())

  test('Usage: stacked by model, then by key and by tokens for a chosen range', async () => {
    await page.click('nav >> text=Usage')
    expect(await page.textContent('h1')).toBe('Usage')
    expect(await page.locator('[data-testid=usage-chart] rect.seg').count()).toBeGreaterThan(14)
    expect(await page.textContent('[data-testid=usage-by-model]')).toContain('gpt-4o-mini')
    await shot(page, 'usage-by-model')
    await page.selectOption('select[name=by]', 'key')
    await page.selectOption('select[name=metric]', 'tokens')
    const from = new Date(hub.clock.now() - 7 * DAY).toISOString().slice(0, 10)
    await page.fill('input[name=from]', from)
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid=usage-form] button')])
    expect(new URL(page.url()).searchParams.get('by')).toBe('key')
    expect(await page.textContent('[data-testid=usage-chart] h2')).toContain('Tokens (prompt + completion) per day by key')
    expect(await page.textContent('.legend')).toContain('batch-jobs')
    await shot(page, 'usage-by-key-tokens')
    // The CSV link, fetched with the page's session (a download has no page to screenshot).
    const href = (await page.getAttribute('[data-testid=usage-by-key-csv]', 'href'))!
    const csv = await page.request.get(new URL(href, page.url()).toString())
    expect(csv.headers()['content-disposition']).toMatch(/filename="usage-key-/)
    expect(await csv.text()).toContain('batch-jobs')
    expect(jsErrors(page)).toEqual([])
  })

  test('Credits: the statement with notes and running balance, the lots, the alert form and its banner', async () => {
    await page.click('nav >> text=Credits')
    const statement = (await page.textContent('[data-testid=statement-table]'))!
    expect(statement).toContain('PO 2026-117')
    expect(statement).toContain('duplicate credit reversed')
    expect(statement).toContain('Charges')
    expect(await page.locator('[data-testid=lots-table] tbody tr').count()).toBe(1)
    await shot(page, 'credits')
    await page.fill('input[name=balance_below_usd]', '100')
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid=alerts-form] button')])
    expect(await page.textContent('[data-testid=alert-banner]')).toContain('below the alert threshold of $100.0000')
    await shot(page, 'credits-alert-banner')
    await page.fill('input[name=balance_below_usd]', '')
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid=alerts-form] button')])
    expect(await page.locator('[data-testid=alert-banner]').count()).toBe(0)
  })

  test('Models: what the account may call with every price', async () => {
    await page.click('nav >> text=Models')
    const row = page.locator('[data-testid=models-table] tr[data-model="gpt-4o"]')
    expect(await row.textContent()).toContain('$2.50')
    expect(await row.textContent()).toContain('$10.00')
    expect(await row.textContent()).toContain('128,000')
    await shot(page, 'models')
  })

  test('Activity: model calls with route and error message, the toggle, the detail page with attempts', async () => {
    await page.click('nav >> text=Activity')
    const failed = page.locator(`tr[data-request-id="${failedId}"]`)
    expect(await failed.locator('[data-testid=error-message]').textContent()).toContain('mock')
    expect(await page.locator('[data-testid=activity-table] td', { hasText: '/v1/models' }).count()).toBe(0)
    await shot(page, 'activity-model-calls')
    await page.check('input[name=calls]')
    await Promise.all([page.waitForLoadState('load'), page.click('form.inline button')])
    expect(await page.locator('[data-testid=activity-table] td', { hasText: '/v1/models' }).count()).toBe(1)
    await shot(page, 'activity-all-routes')
    await page.goto(`${hub.url}/dashboard/requests?id=${failedId}`)
    expect(await page.textContent('[data-testid=attempts-table]')).toContain('broken-500')
    await shot(page, 'request-attempts')
  })

  test('Keys: last used, window spend, a searchable model picker, and snippets with the full base URL on mint', async () => {
    await page.click('nav >> text=API keys')
    const backend = page.locator('[data-testid=keys-table] tr', { hasText: 'backend' })
    expect(await backend.locator('[data-testid=last-used]').textContent()).toContain('UTC')
    expect(await backend.locator('[data-testid=window-spend]').textContent()).toContain('/ $0.05')
    const filter = page.locator('[data-model-filter]')
    expect(await filter.isVisible()).toBe(true)
    await filter.fill('4o-mi')
    expect(await page.locator('.model-picker label[data-model]:visible').count()).toBe(1)
    await page.check('input[name=models][value=gpt-4o-mini]')
    await page.fill('[data-testid=mint-form] input[name=name]', 'snippets')
    await shot(page, 'keys-model-picker')
    await Promise.all([page.waitForLoadState('load'), page.click('[data-testid=mint-form] button[type=submit]')])
    const key = await page.inputValue('#new-key-value')
    expect(await page.textContent('[data-testid=base-url]')).toBe(`${hub.url}/v1`)
    expect(await page.textContent('#snippet-curl')).toContain(`curl ${hub.url}/v1/chat/completions`)
    for (const id of ['openai', 'anthropic', 'claude-code', 'codex']) await page.click(`[data-snippet=${id}] summary`)
    expect(await page.textContent('#snippet-claude-code')).toContain(
      `export ANTHROPIC_BASE_URL=${hub.url}\nexport ANTHROPIC_AUTH_TOKEN=${key}`,
    )
    const codex = (await page.textContent('#snippet-codex'))!
    expect(codex).toContain('[model_providers.token-hub]')
    expect(codex).toContain(`base_url = "${hub.url}/v1"`)
    expect(codex).toContain('wire_api = "responses"')
    expect(codex).toContain('model = "gpt-4o-mini"')
    await page.click('[data-snippet=curl] button[data-copy]')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(key)
    await shot(page, 'keys-new-key-snippets')
    expect(jsErrors(page)).toEqual([])
  })
})

describe('an admin', () => {
  test('sees usage across accounts, stacked by account', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    try {
      const page = await signIn(context, adminEmail)
      await page.goto(`${hub.url}/dashboard/admin/usage?by=account`)
      expect(await page.textContent('[data-testid=usage-by-account]')).toContain(user.email)
      await shot(page, 'admin-usage-accounts')
    } finally {
      await context.close()
    }
  })
})

describe('without JavaScript', () => {
  test('the usage chart, tables and the whole model list are there', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } })
    try {
      const page = await signIn(context, user.email)
      await page.goto(`${hub.url}/dashboard/usage`)
      expect(await page.locator('[data-testid=usage-chart] svg title').count()).toBeGreaterThan(14)
      await shot(page, 'usage-no-js')
      await page.goto(`${hub.url}/dashboard/keys`)
      expect(await page.locator('[data-model-filter]').isVisible()).toBe(false)
      expect(await page.locator('.model-picker input[name=models]').count()).toBe(9)
    } finally {
      await context.close()
    }
  })
})
