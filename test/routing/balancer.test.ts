// The deployment choice and health as plain functions: round-robin order, cooldown growth and reset, Retry-After forms, caps.
import { describe, expect, test } from 'bun:test'
import type { CatalogModel, Deployment } from '../../src/catalog/catalog'
import { GatewayError } from '../../src/errors'
import { ProviderCaps } from '../../src/limits/provider-caps'
import { pickDeployment, triedBit } from '../../src/routing/balancer'
import { DeploymentHealth, retryAfterMs } from '../../src/routing/health'

const policy = { cooldownMs: 30_000, maxCooldownMs: 100_000 }

function deployments(weights: number[]): Deployment[] {
  return weights.map((weight, i) => ({
    id: `m@p${i}`,
    weight,
    health: new DeploymentHealth(`m@p${i}`, 'm', `p${i}`),
    served: { provider: { name: `p${i}` } } as unknown as CatalogModel,
  }))
}

const failure = (code: 'upstream_error' | 'upstream_rate_limited', headers: Record<string, string> = {}) =>
  new GatewayError(code, 'x', { headers })

describe('pickDeployment', () => {
  test('weights 2:1:1 give an exact, spread-out rotation', () => {
    const list = deployments([2, 1, 1])
    const caps = new ProviderCaps()
    const order = Array.from({ length: 8 }, () => pickDeployment(list, 0, 0, caps, 0))
    expect(order).toEqual([0, 1, 2, 0, 0, 1, 2, 0])
  })

  test('at equal running weight the one with fewer in flight wins', () => {
    const list = deployments([1, 1, 1])
    list[0]!.health.inFlight = 3
    list[1]!.health.inFlight = 1
    expect(pickDeployment(list, 0, 0, new ProviderCaps(), 0)).toBe(2)
  })

  test('tried and cooling deployments are skipped; when all left are cooling, the least recently failed is tried', () => {
    const list = deployments([1, 1, 1])
    list[0]!.health.failed(failure('upstream_error'), 0, 1000, policy)
    list[1]!.health.failed(failure('upstream_error'), 0, 500, policy)
    const caps = new ProviderCaps()
    expect(pickDeployment(list, 0, 2000, caps, 0)).toBe(2)
    expect(pickDeployment(list, triedBit(2), 2000, caps, 0)).toBe(1)
    expect(pickDeployment(list, triedBit(2) | triedBit(1), 2000, caps, 0)).toBe(0)
    expect(pickDeployment(list, triedBit(0) | triedBit(1) | triedBit(2), 2000, caps, 0)).toBe(-1)
  })

  test('a provider at its rpm is skipped until a slot leaves the 60 s window', () => {
    const list = deployments([10, 1])
    const caps = new ProviderCaps()
    caps.configure({ p0: { rpm: 2 } })
    const picks: number[] = []
    for (let i = 0; i < 5; i++) {
      const index = pickDeployment(list, 0, 1000, caps, 0)
      caps.take(`p${index}`, 1000, 0)
      picks.push(index)
    }
    expect(picks.filter((i) => i === 0)).toHaveLength(2)
    expect(pickDeployment(list, triedBit(1), 1000, caps, 0)).toBe(-1)
    expect(pickDeployment(list, triedBit(1), 61_000, caps, 0)).toBe(0)
  })

  test('a provider at its tpm is skipped before a request would pass it', () => {
    const list = deployments([1])
    const caps = new ProviderCaps()
    caps.configure({ p0: { tpm: 1000 } })
    caps.take('p0', 0, 900)
    expect(pickDeployment(list, 0, 0, caps, 101)).toBe(-1)
    expect(pickDeployment(list, 0, 0, caps, 100)).toBe(0)
    caps.used('p0', 0, -500)
    expect(pickDeployment(list, 0, 0, caps, 500)).toBe(0)
    expect(pickDeployment(list, 0, 61_000, caps, 1000)).toBe(0)
  })
})

describe('DeploymentHealth', () => {
  test('the cooldown doubles on repeated failures up to the maximum, and a success resets it', () => {
    const h = new DeploymentHealth('m@p', 'm', 'p')
    const untils = [0, 1, 2, 3].map(() => {
      h.failed(failure('upstream_error'), 0, 0, policy)
      return h.cooldownUntil
    })
    expect(untils).toEqual([30_000, 60_000, 100_000, 100_000])
    h.succeeded(0)
    expect(h.cooldownUntil).toBe(0)
    h.failed(failure('upstream_error'), 0, 0, policy)
    expect(h.cooldownUntil).toBe(30_000)
    expect(h.cooldowns).toBe(5)
  })

  test("a 429's Retry-After sets the cooldown (seconds or an HTTP date); a client-caused 4xx cools nothing", () => {
    const h = new DeploymentHealth('m@p', 'm', 'p')
    h.failed(failure('upstream_rate_limited', { 'retry-after': '2' }), 0, 10_000, policy)
    expect(h.cooldownUntil).toBe(12_000)
    expect(retryAfterMs(new Date(70_000).toUTCString(), 10_000)).toBe(60_000)
    expect(retryAfterMs('soon', 0)).toBeNull()
    const other = new DeploymentHealth('m@q', 'm', 'q')
    other.failed(new GatewayError('upstream_passthrough', 'bad', { status: 400 }), 0, 0, policy)
    expect(other.cooling(0)).toBe(false)
    expect(other.errors).toBe(1)
  })
})
