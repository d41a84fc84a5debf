// The mock's legacy Completions: /v1/completions in the `text_completion` shape, streamed (ending in [DONE]) and not.
import { sseData, SSE_DONE } from '../formats/sse'
import { FAULT_MESSAGES, type FaultMode } from './faults'
import { mockAnswer, mockId, type MockAnswer } from './generator'
import { jsonResponse, sseResponse } from './respond'

const errorBody = () => ({ error: { message: FAULT_MESSAGES[500]!.message, type: FAULT_MESSAGES[500]!.type, param: null, code: null } })

/** Each prompt as text: strings as they are, token ids by their JSON (the mock has no vocabulary). */
function promptsOf(prompt: unknown): string[] {
  if (typeof prompt === 'string') return [prompt]
  if (!Array.isArray(prompt) || prompt.length === 0) return ['']
  if (typeof prompt[0] === 'number') return [JSON.stringify(prompt)]
  return prompt.map((p) => (typeof p === 'string' ? p : JSON.stringify(p)))
}

interface Choice {
  index: number
  answer: MockAnswer
  /** With `echo`, the prompt comes back before the answer. */
  echo: string
}

/** One choice per prompt and per `n`, numbered as OpenAI does (prompt-major). */
function choicesFor(body: Record<string, unknown>): Choice[] {
  const n = typeof body.n === 'number' && body.n > 1 ? body.n : 1
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : 16
  const suffix = typeof body.suffix === 'string' ? body.suffix : ''
  const choices: Choice[] = []
  promptsOf(body.prompt).forEach((prompt, p) => {
    for (let i = 0; i < n; i++) {
      const answer = mockAnswer({
        promptText: `${prompt}${suffix}${i > 0 ? `#${i}` : ''}`,
        extraPromptTokens: 0,
        maxTokens,
        tool: null,
        lastUserText: prompt,
      })
      choices.push({ index: p * n + i, answer, echo: body.echo === true ? prompt : '' })
    }
  })
  return choices
}

function usageOf(choices: Choice[], n: number) {
  // Each prompt is counted once however many choices it has.
  const prompt = choices.filter((_, i) => i % n === 0).reduce((sum, c) => sum + c.answer.promptTokens, 0)
  const completion = choices.reduce((sum, c) => sum + c.answer.completionTokens, 0)
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}

const FAULT_FRAMES = { malformed: 'data: {"choices": [broken\n\n', error: sseData(JSON.stringify(errorBody())) }

export async function openAICompletions(body: Record<string, unknown>, fault: FaultMode, signal: AbortSignal): Promise<Response> {
  const choices = choicesFor(body)
  const n = typeof body.n === 'number' && body.n > 1 ? body.n : 1
  const model = String(body.model)
  const id = mockId('cmpl-', JSON.stringify(body.prompt ?? null))
  const created = 1_700_000_000
  const usage = fault.kind === 'nousage' ? undefined : usageOf(choices, n)
  if (body.stream === true) {
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true
    const chunk = (rest: Record<string, unknown>) => sseData(JSON.stringify({ id, object: 'text_completion', created, model, ...rest }))
    const choice = (index: number, text: string, finish: string | null) =>
      chunk({ choices: [{ text, index, logprobs: null, finish_reason: finish }] })
    const frames: string[] = []
    for (const c of choices) {
      if (c.echo) frames.push(choice(c.index, c.echo, null))
      for (const piece of c.answer.pieces) frames.push(choice(c.index, piece, null))
      frames.push(choice(c.index, '', c.answer.finish))
    }
    if (includeUsage && usage) frames.push(chunk({ choices: [], usage }))
    frames.push(SSE_DONE)
    return sseResponse(frames, fault, signal, FAULT_FRAMES)
  }
  const completion = {
    id,
    object: 'text_completion',
    created,
    model,
    choices: choices.map((c) => ({
      text: c.echo + c.answer.pieces.join(''),
      index: c.index,
      logprobs: null,
      finish_reason: c.answer.finish,
    })),
    ...(usage ? { usage } : {}),
  }
  return jsonResponse(completion, fault, signal, errorBody())
}
