// Rewriting the model id inside a relayed upstream JSON event without re-serialising it.

const MODEL_FIELD = /"model"\s*:\s*"((?:[^"\\]|\\.)*)"/

/**
 * Replaces the first `"model":"…"` in a JSON text. Callers only pass events whose first model
 * field is the answer's own (OpenAI chunks: it precedes `choices`; Anthropic `message_start`:
 * its content is still empty), so relayed bytes stay exactly the upstream's otherwise.
 */
export function withModel(data: string, model: string): string {
  const match = MODEL_FIELD.exec(data)
  if (!match || match[1] === model) return data
  return `${data.slice(0, match.index)}"model":${JSON.stringify(model)}${data.slice(match.index + match[0].length)}`
}
