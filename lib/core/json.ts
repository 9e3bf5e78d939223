/**
 * Parsing JSON a user gave us (config files, manifests, saved plans): a syntax error becomes an InputError with the
 * file and the line of the error, never a raw SyntaxError.
 */
import { InputError } from './errors.js';

export interface JsonErrorInfo {
  /** Stable error code, e.g. `ConfigInvalidJson`. */
  readonly code: string;
  /** The file named in the error. */
  readonly file: string;
  /** What the text should be, e.g. `amlcdk.json` or `emulator config`. */
  readonly what: string;
  readonly fix: string;
}

/** `JSON.parse(text)`, or an InputError naming the file and the line where the syntax broke. */
export function parseJsonText(text: string, info: JsonErrorInfo): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = String((err as Error).message);
    throw new InputError(info.code, `${info.what} is not valid JSON: ${message}`, {
      file: info.file,
      line: jsonErrorLine(text),
      fix: info.fix,
    });
  }
}

/** Where jsonErrorLine's scanner stopped (internal: never leaves this module). */
class JsonSyntaxAt extends Error {
  constructor(readonly at: number) {
    super(`JSON syntax error at offset ${at}`);
  }
}

/**
 * The line of the first JSON syntax error, or undefined when the text is valid JSON. Node 20's JSON.parse
 * messages often omit the position ("Unexpected token ','"), and users need a line to fix a file.
 */
export function jsonErrorLine(text: string): number | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw new JsonSyntaxAt(i);
  };
  const str = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (text[i] !== '"') fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail();
      }
    } else if (c === '"') str();
    else {
      const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!m) fail();
      i += m![0].length;
    }
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value();
    ws();
    if (i < text.length) fail();
    return undefined;
  } catch (e) {
    if (!(e instanceof JsonSyntaxAt)) throw e;
    return text.slice(0, e.at).split('\n').length;
  }
}
