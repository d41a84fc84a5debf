// Codex's remote compaction for translated models: a `compaction_trigger` item asks for a summary, answered as a `compaction` item token-hub can read back.
import type { ResponsesOutputItem } from '../../providers/openai-compatible/responses-wire'

/**
 * What a translated model is asked in place of a `compaction_trigger` item. OpenAI's models answer
 * that item with an encrypted summary of the conversation; any other model is simply asked for one.
 */
export const COMPACTION_PROMPT =
  'Summarize the conversation so far for a continuation of this task by another session: the goal, what was done and ' +
  'found (files, commands, results), decisions made, and what remains. Answer with the summary only.'

/** How a summary read back from a compaction item is put before the model. */
export const COMPACTION_SUMMARY_HEADING = 'A summary of the conversation before this point:\n\n'

/**
 * token-hub's compaction items carry the summary in the clear behind this marker (base64): the
 * content is the client's own conversation, which token-hub keeps nowhere and only reads back.
 */
const MARKER = 'token-hub.compaction.v1.'

/** The request ends on a `compaction_trigger` item: its answer is one compaction item. */
export function asksForCompaction(body: Record<string, unknown>): boolean {
  const input = body.input
  return Array.isArray(input) && (input.at(-1) as { type?: unknown } | undefined)?.type === 'compaction_trigger'
}

/** The compaction item a translated model's summary becomes. */
export function compactionItem(id: string, summary: string): ResponsesOutputItem {
  return { id, type: 'compaction', encrypted_content: MARKER + Buffer.from(summary, 'utf8').toString('base64') }
}

/** The summary in one of token-hub's compaction items, or null for another backend's (encrypted) one. */
export function compactionSummary(encrypted: unknown): string | null {
  if (typeof encrypted !== 'string' || !encrypted.startsWith(MARKER)) return null
  return Buffer.from(encrypted.slice(MARKER.length), 'base64').toString('utf8')
}

/**
 * `POST /v1/responses/compact` (OpenAI's compaction endpoint, which Codex before remote compaction
 * v2 calls) as a Responses request: the same input ending on a `compaction_trigger`, not streamed,
 * nothing stored. Relayed upstreams answer it as OpenAI does; translated models are asked for a summary.
 */
export function compactAsResponsesBody(body: Record<string, unknown>): Record<string, unknown> {
  const input = typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : (body.input ?? [])
  return { ...body, input: [...(Array.isArray(input) ? input : [input]), { type: 'compaction_trigger' }], stream: false, store: false }
}

type Item = { type?: string; role?: string }

/**
 * The compaction endpoint's answer from the Response to that request: the user messages of the
 * input (what the client carries forward), then the compaction items the model answered.
 */
export function compactionAnswer(responseText: string, body: Record<string, unknown>): string {
  const response = JSON.parse(responseText) as { id: string; created_at: number; output?: Item[]; usage?: unknown }
  const input = typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : (body.input ?? [])
  const users = (Array.isArray(input) ? (input as Item[]) : []).filter((i) => (i.type ?? 'message') === 'message' && i.role === 'user')
  const compactions = (response.output ?? []).filter((i) => i.type === 'compaction')
  return JSON.stringify({
    id: response.id,
    object: 'response.compaction',
    created_at: response.created_at,
    output: [...users, ...compactions],
    usage: response.usage ?? null,
  })
}
