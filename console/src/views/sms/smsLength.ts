// How many SMS parts a text takes, as the gateway splits it (sms_gateway/pdu/userdata.py):
// GSM 03.38 when every character is in the default alphabet (the extension table's characters
// take two septets), else UCS-2 in UTF-16 units; 140 octets a part, 6 of them the
// concatenation header once there is more than one part; an ESC pair or a surrogate pair is
// never split across parts.

const BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ" +
  " !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§" +
  "¿abcdefghijklmnopqrstuvwxyzäöñüà";
const EXTENSION = "\f^{}\\[~]|€";
const GSM7 = new Set([...BASIC].filter((c) => c !== "\x1b"));
const GSM7_EXTENDED = new Set([...EXTENSION]);

export type Alphabet = "gsm7" | "ucs2";

/** Units (septets or UTF-16 code units) per part: single, and each part of a long text. */
export const CAPACITY: Record<Alphabet, { single: number; part: number }> = {
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
};

export interface Measure {
  alphabet: Alphabet;
  /** Characters as a person counts them (a surrogate pair is one). */
  chars: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  parts: number;
  /** Units one part holds at this length. */
  perPart: number;
  /** Units left before another part is needed. */
  remaining: number;
}

function unitsOf(char: string, alphabet: Alphabet): number {
  if (alphabet === "ucs2") return char.length;
  return GSM7_EXTENDED.has(char) ? 2 : 1;
}

export function alphabetOf(text: string): Alphabet {
  for (const char of text) if (!GSM7.has(char) && !GSM7_EXTENDED.has(char)) return "ucs2";
  return "gsm7";
}

export function measure(text: string): Measure {
  const alphabet = alphabetOf(text);
  const chars = [...text];
  const sizes = chars.map((c) => unitsOf(c, alphabet));
  const units = sizes.reduce((a, b) => a + b, 0);
  const { single, part } = CAPACITY[alphabet];
  if (units <= single) {
    return { alphabet, chars: chars.length, units, parts: units ? 1 : 0, perPart: single, remaining: single - units };
  }
  let parts = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > part) {
      parts += 1;
      used = 0;
    }
    used += size;
  }
  return { alphabet, chars: chars.length, units, parts, perPart: part, remaining: part - used };
}

/** "共 75 字 · 2 条（UCS-2，每条 67 字，本条还可输入 59 字）" */
export function describe(m: Measure): string {
  const kind = m.alphabet === "gsm7" ? "GSM-7" : "UCS-2（中文）";
  if (!m.units) return "尚未输入内容";
  return `共 ${m.chars} 字 · ${m.parts} 条（${kind}，每条 ${m.perPart} 字，本条还可输入 ${m.remaining} 字）`;
}
