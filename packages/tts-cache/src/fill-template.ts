import { shortText, TtsCacheError } from './tts-cache-error.js';

/** Options of {@link compileTemplate} and {@link fillTemplate}. */
export interface TemplateOptions {
  /** The longest value a parameter may put into the text, in characters (default 60). */
  readonly maxValueLength?: number;
}

/** A parameterised text read once (a campaign's greeting), filled per call. */
export interface TextTemplate {
  /** The template as given. */
  readonly source: string;
  /** The placeholders it names, each once, in order of first use. */
  readonly placeholders: readonly string[];
  /**
   * The text with each `{name}` replaced by `params[name]` (whitespace collapsed, trimmed).
   * @throws {TtsCacheError} `UNKNOWN_PLACEHOLDER` for a name `params` does not have;
   * `INVALID_PARAM` for a value that is empty, longer than `maxValueLength`, or holds
   * control characters
   */
  fill(params: Readonly<Record<string, string>>): string;
}

/** A piece of a template: text as it is, or a placeholder's name. */
type Part = { readonly text: string } | { readonly name: string };

const NAME = /^[\p{L}\p{N}_]+$/u;
const CONTROL = /[\p{Cc}\p{Cs}]/u;

/**
 * Reads a template such as `Dạ chào {danh_xung} {ten}, em gọi từ …` once: `{name}` is a
 * placeholder (letters, digits, `_`), `{{` and `}}` are literal braces. Check
 * `placeholders` against a campaign's columns before the first call, then `fill` each
 * call's parameters — every distinct filled text is then synthesised once by a cache.
 *
 * @example
 * ```ts
 * const greeting = compileTemplate('Dạ chào {danh_xung} {ten}.');
 * greeting.placeholders; // ['danh_xung', 'ten']
 * greeting.fill({ danh_xung: 'anh', ten: 'Nam' }); // 'Dạ chào anh Nam.'
 * ```
 * @throws {TtsCacheError} `INVALID_TEMPLATE` for an unclosed `{`, a lone `}` or a bad name
 */
export function compileTemplate(template: string, options: TemplateOptions = {}): TextTemplate {
  const maxValueLength = options.maxValueLength ?? 60;
  if (!Number.isInteger(maxValueLength) || maxValueLength < 1 || maxValueLength > 10_000)
    throw new TtsCacheError(
      'INVALID_OPTION',
      `maxValueLength: must be an integer from 1 to 10000, got ${maxValueLength}`,
      { subject: 'maxValueLength' },
    );
  const parts = parseTemplate(template);
  const placeholders = [...new Set(parts.flatMap((part) => ('name' in part ? [part.name] : [])))];
  return {
    source: template,
    placeholders,
    fill: (params) =>
      parts
        .map((part) => ('name' in part ? paramValue(params, part.name, maxValueLength) : part.text))
        .join(''),
  };
}

/**
 * Fills a template with a call's parameters in one step: `compileTemplate(template,
 * options).fill(params)`. Compile once instead when the same template serves many calls.
 *
 * @example
 * ```ts
 * fillTemplate('Dạ chào {danh_xung} {ten}.', call.params);
 * ```
 * @throws {TtsCacheError} as {@link compileTemplate} and {@link TextTemplate.fill} do
 */
export function fillTemplate(
  template: string,
  params: Readonly<Record<string, string>>,
  options: TemplateOptions = {},
): string {
  return compileTemplate(template, options).fill(params);
}

/** The template's literal text and placeholders, in order. */
function parseTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  for (let at = 0; at < template.length; at++) {
    const char = template[at]!;
    if ((char === '{' || char === '}') && template[at + 1] === char) {
      text += char;
      at++;
    } else if (char === '}') {
      throw templateError(template, at, 'a "}" that closes nothing (write "}}" for a brace)');
    } else if (char === '{') {
      const end = template.indexOf('}', at);
      if (end < 0) throw templateError(template, at, 'a "{" never closed');
      const name = template.slice(at + 1, end).trim();
      if (!NAME.test(name))
        throw templateError(template, at, `placeholder ${shortText(name)} is not a name`);
      if (text) parts.push({ text });
      parts.push({ name });
      text = '';
      at = end;
    } else text += char;
  }
  if (text) parts.push({ text });
  return parts;
}

function templateError(template: string, at: number, problem: string): TtsCacheError {
  return new TtsCacheError(
    'INVALID_TEMPLATE',
    `template ${shortText(template)}: ${problem} at character ${at + 1}`,
    { subject: 'template' },
  );
}

/** A parameter's value, checked and tidied for speech. */
function paramValue(params: Readonly<Record<string, string>>, name: string, max: number): string {
  if (!Object.hasOwn(params, name) || typeof params[name] !== 'string')
    throw new TtsCacheError('UNKNOWN_PLACEHOLDER', `no parameter for placeholder {${name}}`, {
      subject: name,
    });
  const value = params[name].normalize('NFC').replace(/\s+/g, ' ').trim();
  const problem =
    value === ''
      ? 'is empty'
      : value.length > max
        ? `is ${value.length} characters long, over the ${max} allowed`
        : CONTROL.test(value)
          ? 'holds control characters'
          : undefined;
  if (problem)
    throw new TtsCacheError('INVALID_PARAM', `parameter ${name} (${shortText(value)}) ${problem}`, {
      subject: name,
    });
  return value;
}
