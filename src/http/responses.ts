// Small HTTP helpers shared by routes: bounded body reading, JSON answers.
import { GatewayError } from '../errors'
import { parseJsonBody } from '../formats/validate'

/**
 * Reads a request body as text, refusing (413) anything above `limit` bytes — by Content-Length
 * before reading when it is given, and while reading otherwise.
 */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? NaN)
  const tooLarge = () => new GatewayError('body_too_large', `Request body is larger than the limit of ${limit} bytes.`)
  if (declared > limit) throw tooLarge()
  if (!request.body) return ''
  if (!Number.isNaN(declared)) {
    const text = await request.text()
    if (Buffer.byteLength(text) > limit) throw tooLarge()
    return text
  }
  const reader = request.body.getReader()
  const parts: Uint8Array[] = []
  let size = 0
  while (true) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      reader.cancel().catch(() => {})
      throw tooLarge()
    }
    parts.push(value)
  }
  return Buffer.concat(parts).toString('utf8')
}

export async function readJsonBody(request: Request, limit: number): Promise<Record<string, unknown>> {
  return parseJsonBody(await readBodyText(request, limit))
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
