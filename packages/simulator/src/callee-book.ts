import { resolveSample } from './bundled-samples.js';
import type { CalleeAudio, CalleeBehaviour, CalleeRules } from './callee-behaviour.js';
import { compileMatch, type DestinationTest } from './callee-match.js';
import { type CalleeAudioLoader, type CalleePlan, planCallee } from './callee-plan.js';
import { checkCallees } from './callees-file.js';
import { loadCallerAudio } from './caller-audio-file.js';
import { SimulatorError } from './errors.js';

/** The rule that decided a call, and what it does. */
export interface CalleeChoice {
  /** The rule's `name`, `rules[<index>]`, or `default`. */
  readonly rule: string;
  /** The behaviour's type. */
  readonly behaviour: CalleeBehaviour['type'];
  /** What the emulator does. */
  readonly plan: CalleePlan;
}

/** Compiled callees: which rule decides for a destination. */
export interface CalleeBook {
  /** The first rule whose match fits, else the default. */
  pick(destination: string): CalleeChoice;
}

/** Reads each recording once, however many rules name it; errors say which rule named it. */
function audioLoader(baseDir: string): CalleeAudioLoader {
  const cache = new Map<string, Promise<Int16Array>>();
  return async (source: CalleeAudio, path: string) => {
    if (typeof source !== 'string') return source;
    const file = resolveSample(source, baseDir);
    let loading = cache.get(file);
    if (!loading) {
      loading = loadCallerAudio(file);
      cache.set(file, loading);
    }
    try {
      return await loading;
    } catch (cause) {
      if (!SimulatorError.isInstance(cause)) throw cause;
      throw new SimulatorError('INVALID_CALLEES', cause.message, { path, cause });
    }
  };
}

/**
 * Checks callees, compiles their matches and loads every recording they use (the bundled
 * ones where a behaviour names none), so that a bad rule fails at start, not mid-campaign.
 * @param fallback the behaviour when `callees.default` is not given
 * @throws {SimulatorError} `INVALID_CALLEES` naming the rule's field
 */
export async function compileCallees(
  callees: CalleeRules,
  fallback: CalleeBehaviour,
): Promise<CalleeBook> {
  const { baseDir, ...rest } = callees;
  const file = checkCallees(rest);
  const load = audioLoader(baseDir ?? process.cwd());
  const rules: { test: DestinationTest; choice: CalleeChoice }[] = [];
  for (const [i, rule] of (file.rules ?? []).entries()) {
    const path = `callees $.rules[${i}]`;
    rules.push({
      test: compileMatch(rule.match, `${path}.match`),
      choice: {
        rule: rule.name ?? `rules[${i}]`,
        behaviour: rule.callee.type,
        plan: await planCallee(rule.callee, load, `${path}.callee`),
      },
    });
  }
  const otherwise = file.default ?? fallback;
  const byDefault: CalleeChoice = {
    rule: 'default',
    behaviour: otherwise.type,
    plan: await planCallee(otherwise, load, 'callees $.default'),
  };
  return {
    pick: (destination) => rules.find((r) => r.test(destination))?.choice ?? byDefault,
  };
}
