// A guard run on the raw body before JSON.parse: no cognito-idp input nests more than a
// handful of levels, so anything deeper is refused as malformed instead of being parsed and
// then walked (or logged, or copied) by code that recurses.

/** Deepest accepted nesting of objects and arrays. The deepest model input is under 10. */
export const MAX_JSON_DEPTH = 64;

/** True when the text opens more than `max` objects/arrays at once. Strings are skipped. */
export function exceedsJsonDepth(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}
