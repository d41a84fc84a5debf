// Usage, Credits, Models, Activity filters, CSV exports and key use over plain HTTP (a browser without script).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { post as postJson, startHub, chatBody, type TestHub } from '../../helpers'
import { makeUser, SessionClient, settleLog } from '../../support/session'

let hub: TestHub
let alice: SessionClient
let accountId: string
let key: { key: string; id: string }
const costs: number[] = []
let failedId: string
let modelsId: string

beforeAll(async () => {
  hub = await startHub()
  const made = await makeUser(hub)
  accountId = made.accountId
  await hub.admin('POST', `/admin/accounts/${accountId}/credits`, { amount_usd: '20.00', note: 'invoice 42' })
  await hub.admin('POST', `/admin/accounts/${accountId}/credits`, { amount_usd: '-1.25', note: 'goodwill correction' })
  alice = await SessionClient.signIn(hub, made.email)
  key = await hub.mintKey(accountId, { name: 'ci-key', budget_usd: '5.00' })
  for (const text of ['one', 'two', 'three']) {
    const response = await postJson(hub, '/v1/chat/completions', key.key, chatBody(`Hello ${text}`))
    expect(response.status).toBe(200)
    costs.push(Math.round(Number(response.headers.get('x-token-hub-cost-usd')) * 1e6))
  }
  const failed = await postJson(hub, '/v1/chat/completions', key.key, chatBody('boom', { model: 'broken-500' }))
  expect(failed.status).toBe(502)
  failedId = failed.headers.get('x-request-id')!
  const models = await fetch(`${hub.url}/v1/models`, { headers: { authorization: `Bearer ${key.key}` } })
  modelsId = models.headers.get('x-request-id')!
  await settleLog(hub)
})
afterAll(() => hub.close())

const page = async (path: string) => {
  const response = await fetch(hub.url + path, { headers: { cookie: alice.cookie! }, redirect: 'manual' })
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text(), headers: response.headers }
}
/** The text of a table's cells, row by row, tags stripped. */
const tableRows = (html: string, testid: string) => {
  const table = html.split(`data-testid="${testid}"`)[1]!.split('</table>')[0]!
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '').trim()),
  )
}

describe('usage page', () => {
  test('a chart and tables by model and by key, with totals equal to the calls made', async () => {
    const { status, text } = await page('/dashboard/usage')
    expect(status).toBe(200)
    expect(text).toContain('<svg class="chart"')
    expect(text).not.toMatch(/style="/)
    const byModel = tableRows(text, 'usage-by-model')
    const mini = byModel.find((r) => r[0] === 'gpt-4o-mini')!
    expect(mini[1]).toBe('3')
    const total = costs.reduce((a, b) => a + b, 0)
    expect(mini[2]).toBe(`$${(total / 1e6).toFixed(6)}`)
    expect(byModel.find((r) => r[0] === 'broken-500')![1]).toBe('1')
    expect(byModel.at(-1)![0]).toBe('Total')
    expect(byModel.at(-1)![1]).toBe('4')
    const byKey = tableRows(text, 'usage-by-key')
    expect(byKey[1]![0]).toContain('ci-key')
    // /v1/models is not a model call: it is not counted.
    expect(text).toContain('data-testid="usage-requests">4<')
  })

  test('stacked by key, requests metric, a chosen range; a bad date is refused naming it', async () => {
    const today = new Date().toISOString().slice(0, 10)
    const { text } = await page(`/dashboard/usage?by=key&metric=requests&from=${today}&to=${today}`)
    expect(text).toContain('Requests per day by key')
    expect(text).toMatch(/<title>\d{4}-\d{2}-\d{2} · ci-key \(sk-th_[^)]+\): 4<\/title>/)
    const bad = await page('/dashboard/usage?from=yesterday')
    expect(bad.status).toBe(400)
    expect(bad.text).toContain('from must be a date')
  })

  test('CSV of each table and of the daily sums', async () => {
    const csv = await page('/dashboard/usage.csv?table=model')
    expect(csv.type).toBe('text/csv; charset=utf-8')
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="usage-model-/)
    const lines = csv.text.trim().split('\r\n')
    expect(lines[0]).toBe(
      'model,requests,cost_usd,prompt_tokens,completion_tokens,cache_read_tokens,cache_write_tokens,cache_write_1h_tokens,reasoning_tokens',
    )
    const total = costs.reduce((a, b) => a + b, 0)
    expect(lines.find((l) => l.startsWith('gpt-4o-mini,'))).toStartWith(`gpt-4o-mini,3,${(total / 1e6).toFixed(6)},`)
    expect(lines.at(-1)).toStartWith('total,4,')
    const byKey = (await page('/dashboard/usage.csv?table=key')).text
    expect(byKey).toContain(`${key.id},ci-key (`)
    const daily = (await page('/dashboard/usage.csv?table=daily')).text.trim().split('\r\n')
    expect(daily[0]).toStartWith('day,model,model_label,requests,cost_usd')
    expect(daily).toHaveLength(3)
  })

  test('the admins’ view across accounts is for admins only', async () => {
    expect((await page('/dashboard/admin/usage')).status).toBe(403)
    const admin = await SessionClient.signIn(hub, (await makeUser(hub, { isAdmin: true })).email)
    const response = await fetch(`${hub.url}/dashboard/admin/usage?by=account`, { headers: { cookie: admin.cookie! } })
    const text = await response.text()
    expect(response.status).toBe(200)
    expect(tableRows(text, 'usage-by-account').some((r) => r[1] === '4')).toBe(true)
    const one = await fetch(`${hub.url}/dashboard/admin/usage.csv?table=key&account=${accountId}`, { headers: { cookie: admin.cookie! } })
    const lines = (await one.text()).trim().split('\r\n')
    expect(lines[1]).toStartWith(`${key.id},ci-key`)
    expect(lines.at(-1)).toStartWith('total,,4,')
  })
})

describe('credits page', () => {
  test('every entry kind with its note and running balance, charges summed per day, and the lots', async () => {
    const { text } = await page('/dashboard/credits')
    const rows = tableRows(text, 'statement-table').slice(1)
    // Newest first: the day's charges, the adjustment, the manual credit.
    expect(rows).toHaveLength(3)
    const total = costs.reduce((a, b) => a + b, 0)
    const balance = 20_000_000 - 1_250_000 - total
    expect(rows[0]![1]).toBe('Charges')
    expect(rows[0]![3]).toBe(`−$${(total / 1e6).toFixed(6)}`)
    expect(rows[0]![4]).toBe(`$${(balance / 1e6).toFixed(4)}`)
    expect(rows[1]!.slice(1, 5)).toEqual(['Adjustment', 'goodwill correction', '−$1.2500', '$18.7500'])
    expect(rows[2]!.slice(1, 5)).toEqual(['Manual credit', 'invoice 42', '+$20.0000', '$20.0000'])
    const lots = tableRows(text, 'lots-table').slice(1)
    expect(lots).toHaveLength(1)
    expect(lots[0]!.slice(1)).toEqual(['Manual credit', '$20.0000', `$${(balance / 1e6).toFixed(4)}`, 'never', 'active'])
  })
})

describe('models page', () => {
  test('the models the plan allows, with context window and every price', async () => {
    const { text } = await page('/dashboard/models')
    const rows = tableRows(text, 'models-table').slice(1)
    const mini = rows.find((r) => r[0] === 'gpt-4o-mini')!
    expect(mini).toEqual(['gpt-4o-mini', 'chat', '128,000', '16,384', '$0.15', '$0.60', '$0.15', '$0.15', '$0.15'])
    expect(rows.find((r) => r[0] === 'text-embedding-3-small')![1]).toBe('embedding')
    // A free-plan account sees only what its plan allows.
    const free = await makeUser(hub, { accountId: (await hub.account({ plan: 'free' })).accountId, role: 'owner' })
    const client = await SessionClient.signIn(hub, free.email)
    const other = await (await fetch(`${hub.url}/dashboard/models`, { headers: { cookie: client.cookie! } })).text()
    expect(
      tableRows(other, 'models-table')
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(['gpt-4o-mini'])
  })
})

describe('activity', () => {
  test('model calls by default, every route with the toggle, one route with the filter', async () => {
    const calls = await page('/dashboard/activity')
    expect(calls.text).toContain(`data-request-id="${failedId}"`)
    expect(calls.text).not.toContain(`data-request-id="${modelsId}"`)
    const all = await page('/dashboard/activity?calls=all')
    expect(all.text).toContain(`data-request-id="${modelsId}"`)
    const one = await page('/dashboard/activity?route=%2Fv1%2Fmodels')
    expect(one.text).toContain(`data-request-id="${modelsId}"`)
    expect(one.text).not.toContain(`data-request-id="${failedId}"`)
  })

  test("a failed call shows the gateway's message, never the prompt; its detail page lists the attempts", async () => {
    const { text } = await page('/dashboard/activity?status=error')
    const row = text.split(`data-request-id="${failedId}"`)[1]!.split('</tr>')[0]!
    expect(row).toContain('upstream_error')
    expect(row).toMatch(/data-testid="error-message">[^<]*mock/)
    expect(text).not.toContain('boom')
    const detail = await page(`/dashboard/requests?id=${failedId}`)
    const attempts = tableRows(detail.text, 'attempts-table').slice(1)
    expect(attempts).toHaveLength(1)
    expect(attempts[0]!.slice(0, 4)).toEqual(['1', 'broken-500', 'mock', '502'])
  })

  test('CSV of the filtered rows', async () => {
    const csv = await page('/dashboard/activity.csv')
    const lines = csv.text.trim().split('\r\n')
    expect(lines[0]).toStartWith('time,request_id,route,key_id,key,model')
    expect(lines).toHaveLength(5)
    expect(csv.text).not.toContain(modelsId)
    expect(lines.find((l) => l.includes(failedId))).toContain(',502,upstream_error,')
    const all = await page('/dashboard/activity.csv?calls=all')
    expect(all.text).toContain(modelsId)
  })
})

describe('keys', () => {
  test('last used and the window spend against the budget', async () => {
    const { text } = await page('/dashboard/keys')
    const row = text.split(`data-key-id="${key.id}"`)[1]!.split('</tr>')[0]!
    expect(row).toMatch(/data-testid="last-used">\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/)
    const spent = costs.reduce((a, b) => a + b, 0)
    expect(row).toContain(`$${(spent / 1e6).toFixed(2)} / $5.00`)
    expect(row).toContain('<meter')
    // Without script every model is a checkbox; the filter box is there for script to reveal.
    expect(text).toContain('data-model-filter')
    expect(text).toContain('name="models" value="gpt-4o-mini"')
  })
})

describe('the same as JSON under /api', () => {
  test('usage, credits, models and alerts', async () => {
    const usage = await alice.json<{ total: { requests: number; cost_usd: string }; by_model: Array<{ id: string; requests: number }> }>(
      'GET',
      '/api/usage',
    )
    expect(usage.status).toBe(200)
    expect(usage.body.total.requests).toBe(4)
    expect(usage.body.total.cost_usd).toBe((costs.reduce((a, b) => a + b, 0) / 1e6).toFixed(6))
    expect(usage.body.by_model.find((m) => m.id === 'gpt-4o-mini')!.requests).toBe(3)
    const credits = await alice.json<{
      lines: Array<{ kind: string; note?: string; amount_usd: string }>
      lots: Array<{ source: string }>
    }>('GET', '/api/credits')
    expect(credits.body.lines.map((l) => l.kind)).toEqual(['charges', 'adjustment', 'topup'])
    expect(credits.body.lines[2]!.note).toBe('invoice 42')
    expect(credits.body.lots.map((l) => l.source)).toEqual(['manual'])
    const models = await alice.json<{ data: Array<{ id: string; cache_read_usd_per_mtok: number }> }>('GET', '/api/models')
    expect(models.body.data.find((m) => m.id === 'gpt-4o')!.cache_read_usd_per_mtok).toBe(2.5)
    expect((await alice.json<{ active: unknown[] }>('GET', '/api/alerts')).body.active).toEqual([])
    expect((await fetch(`${hub.url}/api/usage`)).status).toBe(401)
  })
})
