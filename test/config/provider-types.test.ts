// Config checks about provider types: every type builds, and embedding models need a type that embeds.
import { describe, expect, test } from 'bun:test'
import { validateConfig } from '../../src/config/load'
import { createProviderRegistry } from '../../src/providers/registry'

const base = {
  providers: {
    a: { type: 'anthropic', base_url: 'https://api.anthropic.com', api_key_env: 'A_KEY' },
    g: { type: 'gemini', base_url: 'https://generativelanguage.googleapis.com/v1beta', api_key_env: 'G_KEY' },
    o: { type: 'openai', base_url: 'https://api.openai.com/v1', api_key_env: 'O_KEY' },
  },
  models: [
    { id: 'claude', provider: 'a', input_usd_per_mtok: 3 },
    { id: 'gemini', provider: 'g', input_usd_per_mtok: 1 },
    { id: 'gpt', provider: 'o', input_usd_per_mtok: 1 },
  ],
}

describe('provider types in config', () => {
  test('anthropic, gemini and openai providers all build from config', () => {
    const result = validateConfig(base)
    if (!result.ok) throw new Error(result.problems.join('\n'))
    const registry = createProviderRegistry(result.config, { A_KEY: 'a', G_KEY: 'g', O_KEY: 'o' })
    expect(['a', 'g', 'o'].map((name) => [registry.get(name)!.type, registry.get(name)!.format])).toEqual([
      ['anthropic', 'anthropic'],
      ['gemini', 'gemini'],
      ['openai', 'openai'],
    ])
  })

  test('an embedding model on an anthropic provider is a config problem naming its path', () => {
    const result = validateConfig({
      ...base,
      models: [...base.models, { id: 'emb', provider: 'a', kind: 'embedding', input_usd_per_mtok: 1 }],
    })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.problems).toEqual(['models[3].kind: provider "a" (type anthropic) serves no embeddings'])
    expect(
      validateConfig({ ...base, models: [...base.models, { id: 'emb', provider: 'g', kind: 'embedding', input_usd_per_mtok: 1 }] }).ok,
    ).toBe(true)
  })
})
