import type { Call } from '@psrkit/transport';
import { tool } from 'ai';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { scriptedModel } from './__fixtures__/scripted.js';
import { StartedReply } from './started-reply.js';

const call = { signal: new AbortController().signal } as Call;

function startWithTool(booked: string[]) {
  const { model } = scriptedModel([
    { text: 'Booking it now.', toolCall: { name: 'book', input: { day: 'Friday' } } },
  ]);
  return new StartedReply({
    call,
    model,
    system: 'You book visits.',
    messages: [{ role: 'user', content: 'Friday, please.' }],
    tools: {
      book: tool({
        description: 'Books a visit.',
        inputSchema: z.object({ day: z.string() }),
        execute: async ({ day }) => {
          booked.push(day);
          return 'booked';
        },
      }),
    },
    onToolCall: () => {},
    onFirstText: () => {},
    onError: () => {},
  });
}

describe('a reply started before the caller’s turn is confirmed', () => {
  it('keeps its text from the start, and runs your tools only once confirmed', async () => {
    const booked: string[] = [];
    const reply = startWithTool(booked);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the model has called the tool
    expect(booked).toEqual([]);
    reply.confirm();
    const text = await lastValueFrom(reply.text$.pipe(toArray()));
    expect(text.join('')).toContain('Booking it now.');
    expect(booked).toEqual(['Friday']);
    expect(reply.textChars).toBeGreaterThan(0);
  });

  it('never runs your tools once dropped', async () => {
    const booked: string[] = [];
    const reply = startWithTool(booked);
    await new Promise((resolve) => setTimeout(resolve, 200));
    reply.abort.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(booked).toEqual([]);
  });
});
