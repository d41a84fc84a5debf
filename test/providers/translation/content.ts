// Translation cases: system prompts, multi-turn conversations, images.
import { AN, OA, PNG, userText } from './builders'
import type { RequestCase } from './types'

export const CONTENT_CASES: RequestCase[] = [
  // ---- system prompts
  {
    name: 'system string: openai → anthropic',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    }),
    wire: { system: 'Be brief.', messages: [userText('Hi')] },
  },
  {
    name: 'system string: anthropic → openai',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ system: 'Be brief.' }),
    wire: {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    },
  },
  {
    name: 'system blocks: anthropic → openai (one system message each)',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Use metric units.', cache_control: { type: 'ephemeral' } },
      ],
    }),
    wire: {
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'system', content: 'Use metric units.' },
        { role: 'user', content: 'Hi' },
      ],
    },
  },
  {
    name: 'system blocks: openai system + developer → anthropic blocks',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
        { role: 'user', content: 'Hi' },
      ],
    }),
    wire: {
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Use metric units.' },
      ],
    },
  },
  {
    name: 'system string: openai → gemini systemInstruction',
    client: 'openai',
    upstream: 'gemini',
    body: OA({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    }),
    wire: { systemInstruction: { parts: [{ text: 'Be brief.' }] }, contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
  },
  {
    name: 'system blocks: anthropic → gemini systemInstruction parts',
    client: 'anthropic',
    upstream: 'gemini',
    body: AN({
      system: [
        { type: 'text', text: 'A' },
        { type: 'text', text: 'B' },
      ],
    }),
    wire: { systemInstruction: { parts: [{ text: 'A' }, { text: 'B' }] } },
  },
  // ---- multi-turn
  {
    name: 'multi-turn: openai → anthropic',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'How are you?' },
      ],
    }),
    wire: { messages: [userText('Hi'), { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] }, userText('How are you?')] },
  },
  {
    name: 'multi-turn: anthropic → openai',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] },
        { role: 'user', content: 'How are you?' },
      ],
    }),
    wire: {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'How are you?' },
      ],
    },
  },
  {
    name: 'multi-turn: openai → gemini (assistant becomes model)',
    client: 'openai',
    upstream: 'gemini',
    body: OA({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'How are you?' },
      ],
    }),
    wire: {
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello!' }] },
        { role: 'user', parts: [{ text: 'How are you?' }] },
      ],
    },
  },
  {
    name: 'multi-turn: consecutive user turns merge for anthropic',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({
      messages: [
        { role: 'user', content: 'First.' },
        { role: 'user', content: 'Second.' },
      ],
    }),
    wire: {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'First.' },
            { type: 'text', text: 'Second.' },
          ],
        },
      ],
    },
  },
  // ---- images
  {
    name: 'image data URL: openai → anthropic base64 source',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is it?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
      ],
    }),
    wire: {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is it?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          ],
        },
      ],
    },
  },
  {
    name: 'image base64 source: anthropic → openai data URL',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] }],
    }),
    wire: { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }] },
  },
  {
    name: 'image http URL: openai → anthropic url source',
    client: 'openai',
    upstream: 'anthropic',
    body: OA({
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } }] }],
    }),
    wire: { messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } }] }] },
  },
  {
    name: 'image url source: anthropic → openai image_url',
    client: 'anthropic',
    upstream: 'openai',
    body: AN({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } }] }] }),
    wire: { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }] }] },
  },
  {
    name: 'image data URL: openai → gemini inlineData',
    client: 'openai',
    upstream: 'gemini',
    body: OA({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }] }),
    wire: { contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: PNG } }] }] },
  },
  {
    name: 'image url source: anthropic → gemini fileData with its type',
    client: 'anthropic',
    upstream: 'gemini',
    body: AN({
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/chart.png?v=2' } }] }],
    }),
    wire: { contents: [{ role: 'user', parts: [{ fileData: { fileUri: 'https://example.com/chart.png?v=2', mimeType: 'image/png' } }] }] },
  },
]
