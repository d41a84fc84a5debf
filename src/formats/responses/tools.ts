// Responses tools ↔ shared tool definitions: function, custom (free text) and namespaced tools under one flat name.
import type { ToolDefinition } from '../../providers/types'
import type { ResponsesCustomTool, ResponsesFunctionTool, ResponsesTool } from './schema'

/** What a shared tool name stands for in the client's Responses request. */
export interface ClientTool {
  kind: 'function' | 'custom'
  name: string
  namespace?: string
}

/**
 * Other formats have no namespaces: a tool `lookup` in namespace `crm` is offered as `crm__lookup`
 * (a name every upstream accepts) and its calls are named back.
 */
export const flatToolName = (name: string, namespace?: string) => (namespace ? `${namespace}__${name}` : name)

/** Custom tools take free text; elsewhere they are functions of one string argument. */
const CUSTOM_PARAMETERS = {
  type: 'object',
  properties: { input: { type: 'string', description: 'The whole input for the tool, as free text.' } },
  required: ['input'],
  additionalProperties: false,
}

function definition(tool: ResponsesFunctionTool | ResponsesCustomTool, namespace?: string): ToolDefinition {
  const name = flatToolName(tool.name, namespace)
  if (tool.type === 'function') {
    return {
      name,
      ...(tool.description ? { description: tool.description } : {}),
      parameters: tool.parameters ?? { type: 'object', properties: {} },
    }
  }
  // A grammar cannot be enforced elsewhere; the model is at least told it.
  const grammar = tool.format?.definition ? `Input format (${tool.format.syntax ?? tool.format.type}):\n${tool.format.definition}` : ''
  const description = [tool.description ?? '', grammar].filter((t) => t !== '').join('\n\n')
  return { name, ...(description ? { description } : {}), parameters: CUSTOM_PARAMETERS }
}

/** The client tools as shared definitions, and what each flat name stands for; hosted tools are listed apart. */
export function sharedTools(tools: ResponsesTool[] | undefined): {
  definitions: ToolDefinition[]
  names: Map<string, ClientTool>
  hosted: Array<{ index: number; type: string }>
} {
  const definitions: ToolDefinition[] = []
  const names = new Map<string, ClientTool>()
  const hosted: Array<{ index: number; type: string }> = []
  const add = (tool: ResponsesFunctionTool | ResponsesCustomTool, namespace?: string) => {
    const shared = definition(tool, namespace)
    definitions.push(shared)
    names.set(shared.name, { kind: tool.type, name: tool.name, ...(namespace ? { namespace } : {}) })
  }
  ;(tools ?? []).forEach((tool, index) => {
    if (tool.type === 'function' || tool.type === 'custom') add(tool as ResponsesFunctionTool | ResponsesCustomTool)
    else if (tool.type === 'namespace') {
      const space = tool as { name: string; tools: Array<ResponsesFunctionTool | ResponsesCustomTool> }
      for (const inner of space.tools) add(inner, space.name)
    } else hosted.push({ index, type: tool.type })
  })
  return { definitions, names, hosted }
}

/** The client's view of a call the upstream made under a flat name (a function of that name if it is unknown). */
export function clientToolOf(names: Map<string, ClientTool>, flatName: string): ClientTool {
  return names.get(flatName) ?? { kind: 'function', name: flatName }
}

/** A custom tool's free-text input from the JSON arguments its function stand-in was called with. */
export function customInput(args: string): string {
  try {
    const parsed = JSON.parse(args) as { input?: unknown }
    if (typeof parsed?.input === 'string') return parsed.input
  } catch {
    // not JSON: the text is the input
  }
  return args
}
