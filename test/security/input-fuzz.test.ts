// 6,000 generated requests across every /v1 route, from valid shapes with fields mutated, missing, wrong-typed, huge or deep: none answers 500 or more.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import fc from 'fast-check'
import { noLimiter } from '../../src/limits/limiter'
import { startHub, TEST_MODELS, type TestHub } from '../helpers'

const RUNS = 6_000
const SEED = 20_240_612

const chatModel = (id: string, provider: string) => ({
  id,
  provider,
  input_usd_per_mtok: 1,
  output_usd_per_mtok: 2,
  context_window: 200_000,
  max_output_tokens: 2_000,
})
/** Models of every wire format the mock speaks, and no fault models (their 5xx are by design). */
const MODELS = ['gpt-4o-mini', 'claude-mock', 'gemini-mock', 'text-embedding-3-small', 'gemini-embed']

let hub: TestHub
let key: string
beforeAll(async () => {
  hub = await startHub({
    config: {
      providers: {
        mock: { type: 'mock' },
        'mock-anthropic': { type: 'mock', wire: 'anthropic' },
        'mock-gemini': { type: 'mock', wire: 'gemini' },
      },
      models: [
        ...TEST_MODELS.filter((m) => !m.id.startsWith('broken-')),
        chatModel('claude-mock', 'mock-anthropic'),
        chatModel('gemini-mock', 'mock-gemini'),
        {
          id: 'gemini-embed',
          provider: 'mock-gemini',
          kind: 'embedding',
          input_usd_per_mtok: 1,
          output_usd_per_mtok: 0,
          context_window: 8000,
        },
      ],
      plans: { free: { models: ['gpt-4o-mini'] }, standard: { models: ['*'] } },
    },
    deps: { limiter: noLimiter },
  })
  ;({ key } = await hub.account({ balanceUsd: '1000000.00' }))
})
afterAll(() => hub.close())

// Valid bodies of each route, to mutate.
const TOOL_OPENAI = {
  type: 'function',
  function: { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
}
const TOOL_ANTHROPIC = { name: 'lookup', description: 'Look up', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }
const PNG = 'data:image/png;base64,iVBORw0KGgo='
const CHAT_BODIES = [
  { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] },
  {
    model: 'claude-mock',
    max_tokens: 50,
    temperature: 0.5,
    top_p: 0.9,
    stop: ['\n\n'],
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: PNG, detail: 'low' } },
        ],
      },
    ],
  },
  {
    model: 'gemini-mock',
    max_completion_tokens: 40,
    tools: [TOOL_OPENAI],
    tool_choice: 'auto',
    parallel_tool_calls: true,
    user: 'u1',
    messages: [
      { role: 'user', content: 'Find x' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'found' },
    ],
  },
  {
    model: 'gpt-4o-mini',
    n: 2,
    logprobs: true,
    top_logprobs: 3,
    seed: 7,
    presence_penalty: 0.5,
    response_format: { type: 'json_object' },
    messages: [
      { role: 'developer', content: 'JSON only.' },
      {
        role: 'user',
        content: [
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
        ],
      },
    ],
  },
]
const MESSAGES_BODIES = [
  { model: 'claude-mock', max_tokens: 50, messages: [{ role: 'user', content: 'Hello' }] },
  {
    model: 'gpt-4o-mini',
    max_tokens: 30,
    stream: true,
    system: [{ type: 'text', text: 'Be brief.' }],
    top_k: 5,
    stop_sequences: ['END'],
    metadata: { user_id: 'u1' },
    tools: [TOOL_ANTHROPIC],
    tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Find x' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'found' }], is_error: false }],
      },
    ],
  },
  {
    model: 'claude-mock',
    max_tokens: 2000,
    thinking: { type: 'enabled', budget_tokens: 1024 },
    tools: [{ type: 'web_search_20250305', name: 'web_search' }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'A document.' }, title: 'Doc' },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
          { type: 'search_result', source: 'https://example.com', title: 'R', content: [{ type: 'text', text: 'result' }] },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
        ],
      },
    ],
  },
  {
    model: 'gemini-mock',
    messages: [
      { role: 'user', content: 'Hi' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'sig' },
          { type: 'text', text: 'Hello' },
        ],
      },
      { role: 'user', content: 'Again' },
    ],
  },
]
const EMBEDDING_BODIES = [
  { model: 'text-embedding-3-small', input: 'Hello' },
  { model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 16, encoding_format: 'base64', user: 'u1' },
  { model: 'text-embedding-3-small', input: [[1, 2, 3]] },
  { model: 'gemini-embed', input: ['a', 'b'], dimensions: 8 },
]
const COMPLETIONS_BODIES = [
  { model: 'gpt-4o-mini', prompt: 'Say this is a test', max_tokens: 7, temperature: 0, stop: ['\n'] },
  { model: 'gpt-4o-mini', prompt: ['one', 'two'], n: 2, best_of: 3, logprobs: 1, echo: true, stream: true },
  { model: 'claude-mock', prompt: 'def f(', suffix: ')', stream: true, stream_options: { include_usage: true } },
  { model: 'gemini-mock', prompt: [[1, 2], [3]], max_tokens: 3, logit_bias: { '50256': -100 }, user: 'u1' },
]
const POST_ROUTES: Array<[string, unknown[]]> = [
  ['/v1/chat/completions', CHAT_BODIES],
  ['/v1/completions', COMPLETIONS_BODIES],
  ['/v1/messages', MESSAGES_BODIES],
  ['/v1/messages/count_tokens', MESSAGES_BODIES],
  ['/v1/embeddings', EMBEDDING_BODIES],
]
const GET_ROUTES = [
  '/v1/models',
  '/v1/models/',
  '/v1/account/balance',
  '/v1/key',
  '/v1/dashboard/billing/subscription',
  '/v1/dashboard/billing/usage',
  '/dashboard/billing/subscription',
  '/dashboard/billing/usage',
]

/** Placeholders spliced into the JSON text: nesting JSON.stringify would not survive building. */
const DEEP_200 = '__deep_200__'
const DEEP_100K = '__deep_100000__'
const nested = (levels: number) => `${'['.repeat(levels)}0${']'.repeat(levels)}`
const HUGE = 'x'.repeat(200_000)

const NASTY: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1,
  1.5,
  -0.5,
  3,
  21,
  129,
  3073,
  1e7,
  1e21,
  2 ** 53,
  1e308,
  -1e308,
  '',
  'x',
  '5',
  'true',
  '\u0000',
  '\ud800',
  'ｘ😀',
  HUGE,
  [],
  {},
  [null],
  [1, 'a', {}],
  { type: 'text' },
  { type: 'image_url' },
  { type: 'image_url', image_url: {} },
  { type: 'image_url', image_url: { url: 'not a url' } },
  { type: 'image', source: { type: 'base64' } },
  { type: 'document' },
  { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
  { type: 'file', file: {} },
  { type: 'input_audio', input_audio: { data: 5 } },
  { type: 'tool_use', id: 'x', name: 'f', input: 'not an object' },
  { type: 'tool_result', tool_use_id: 'nope', content: [{ type: 'document' }] },
  { type: 'future_block', url: 'https://example.com' },
  { role: 'tool', content: 'orphan' },
  { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[[[[' } }] },
  { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: nested(500) } }] },
  { role: 'user', content: [] },
  DEEP_200,
  DEEP_100K,
]

type Json = unknown
type PathStep = string | number

/** Paths of a value (the root excluded), for picking one to mutate: the first 2,000, 30 levels at most. */
function pathsOf(value: Json): PathStep[][] {
  const out: PathStep[][] = []
  const pending: Array<[Json, PathStep[]]> = [[value, []]]
  while (pending.length > 0 && out.length < 2_000) {
    const [next, prefix] = pending.shift()!
    if (prefix.length >= 30 || next === null || typeof next !== 'object') continue
    for (const [k, item] of Array.isArray(next) ? next.entries() : Object.entries(next)) {
      out.push([...prefix, k])
      pending.push([item, [...prefix, k]])
    }
  }
  return out
}

type Action = 'replace' | 'delete' | 'wrap' | 'add' | 'duplicate'
interface Mutation {
  path: number
  action: Action
  value: number
}

function mutate(body: Json, mutations: Mutation[]): Json {
  const copy = structuredClone(body) as Record<string, unknown>
  for (const m of mutations) {
    const paths = pathsOf(copy)
    if (paths.length === 0) break
    const path = paths[m.path % paths.length]!
    const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((v, k) => v[k] as Record<string | number, unknown>, copy)
    const last = path[path.length - 1]!
    const value = structuredClone(NASTY[m.value % NASTY.length])
    switch (m.action) {
      case 'replace':
        parent[last] = value
        break
      case 'delete':
        if (Array.isArray(parent)) parent.splice(last as number, 1)
        else delete parent[last]
        break
      case 'wrap':
        parent[last] = [parent[last]]
        break
      case 'add':
        if (Array.isArray(parent)) parent.push(value)
        else parent[`extra_${m.value}`] = value
        break
      case 'duplicate':
        if (Array.isArray(parent)) for (let i = 0; i < 20 && parent.length < 200; i++) parent.push(structuredClone(parent[last]))
        else parent[last] = { inner: parent[last] }
        break
    }
  }
  return copy
}

const toText = (body: Json) => JSON.stringify(body).replaceAll(`"${DEEP_200}"`, nested(200)).replaceAll(`"${DEEP_100K}"`, nested(100_000))

const mutationArb = fc.record({
  path: fc.nat(),
  action: fc.constantFrom<Action>('replace', 'replace', 'replace', 'delete', 'wrap', 'add', 'duplicate'),
  value: fc.nat(),
})

/** One request: a route, its method, and the body text (or null for a GET). */
interface Generated {
  path: string
  body: string | null
  headers: Record<string, string>
}

const postArb: fc.Arbitrary<Generated> = fc
  .record({
    route: fc.nat({ max: POST_ROUTES.length - 1 }),
    base: fc.nat(),
    model: fc.option(fc.constantFrom(...MODELS), { freq: 3 }),
    mutations: fc.array(mutationArb, { minLength: 0, maxLength: 4 }),
    // Now and then a body that is not a mutation of any valid one: any JSON, or any text.
    raw: fc.oneof({ arbitrary: fc.constant(null), weight: 14 }, { arbitrary: fc.oneof(fc.jsonValue(), fc.string()), weight: 1 }),
    version: fc.option(fc.constantFrom('2023-06-01', '', 'x'.repeat(300)), { freq: 4 }),
  })
  .map(({ route, base, model, mutations, raw, version }) => {
    const [path, bodies] = POST_ROUTES[route]!
    const headers: Record<string, string> = version === null ? {} : { 'anthropic-version': version }
    if (raw !== null) return { path, body: typeof raw === 'string' ? raw : JSON.stringify(raw), headers }
    const start = structuredClone(bodies[base % bodies.length]) as Record<string, unknown>
    if (model) start.model = model
    return { path, body: toText(mutate(start, mutations)), headers }
  })

const getArb: fc.Arbitrary<Generated> = fc
  .record({
    route: fc.constantFrom(...GET_ROUTES),
    suffix: fc.oneof(fc.constantFrom('', 'gpt-4o-mini', 'claude-mock', '%ZZ', '..%2F..', 'a/b/c'), fc.string()),
    query: fc.oneof(
      fc.constant(''),
      fc.constantFrom(
        '?start_date=2024-01-01&end_date=2024-02-01',
        '?start_date=x&end_date=',
        '?start_date=9999-99-99',
        '?end_date=2024-01-01',
      ),
      fc.string().map((s) => `?${encodeURIComponent(s)}=${encodeURIComponent(s)}`),
    ),
  })
  .map(({ route, suffix, query }) => ({
    path: route.endsWith('/') ? `${route}${encodeURIComponent(suffix)}` : `${route}${query}`,
    body: null,
    headers: {},
  }))

test(`${RUNS} generated requests over every /v1 route: no answer of 500 or more, no error inside a stream`, async () => {
  const requests = fc.sample(fc.oneof({ arbitrary: postArb, weight: 9 }, { arbitrary: getArb, weight: 1 }), { seed: SEED, numRuns: RUNS })
  const failures: string[] = []
  const statuses = new Map<string, Map<number, number>>()
  for (const r of requests) {
    const response = await hub.hub.app.handle(
      new Request(`http://hub.local${r.path}`, {
        method: r.body === null ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...r.headers },
        body: r.body,
      }),
    )
    const text = await response.text()
    const route = r.path.split('?')[0]!.replace(/^(\/v1\/models\/).*/, '$1*')
    const counts = statuses.get(route) ?? new Map<number, number>()
    counts.set(response.status, (counts.get(response.status) ?? 0) + 1)
    statuses.set(route, counts)
    const streamError =
      response.headers.get('content-type')?.includes('text/event-stream') && /"(internal_error|upstream_error)"|"api_error"/.test(text)
    if (response.status >= 500 || streamError)
      failures.push(`${response.status} ${r.path} ${(r.body ?? '').slice(0, 300)} → ${text.slice(0, 300)}`)
  }
  expect(failures).toEqual([])
  // The generator reaches past validation on every model route: some answers succeed, some are refused.
  for (const route of ['/v1/chat/completions', '/v1/messages', '/v1/messages/count_tokens', '/v1/embeddings']) {
    const counts = statuses.get(route)!
    expect(counts.get(200) ?? 0).toBeGreaterThan(50)
    expect(counts.get(400) ?? 0).toBeGreaterThan(50)
  }
}, 300_000)
