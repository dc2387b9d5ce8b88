// Parse a GIFT file with the third-party parser gift-pegjs and print its questions as JSON.
// Usage: node parse_gift.mjs [FILE]   (reads stdin without FILE). Driven by
// tests/assistant/test_quiz_gift_parser.py. Exit 0 with a JSON array of questions on stdout;
// exit 1 with {"error", "line", "column", "found", "expected"} on stdout when the parser rejects
// the text (or 2 on a usage error).
import { readFileSync } from "node:fs";
import giftPegjs from "gift-pegjs";

const { parse, SyntaxError: GiftSyntaxError } = giftPegjs;

function text(format) {
  return format == null ? null : format.text;
}

function question(q) {
  const out = { type: q.type, title: q.title ?? null };
  if (q.type === "Category") return out;
  out.stem = text(q.stem);
  out.stemFormat = q.stem ? q.stem.format : null;
  out.globalFeedback = text(q.globalFeedback ?? null);
  if (Array.isArray(q.choices)) {
    out.choices = q.choices.map((c) => ({
      text: typeof c.text === "object" && c.text !== null && "text" in c.text ? c.text.text : c.text,
      isCorrect: c.isCorrect,
      weight: c.weight,
      feedback: text(c.feedback),
    }));
  }
  if (q.type === "TF") out.isTrue = q.isTrue;
  return out;
}

let input;
try {
  input = readFileSync(process.argv[2] ?? 0, "utf8");
} catch (err) {
  console.error(`parse_gift: cannot read ${process.argv[2] ?? "stdin"}: ${err.message}`);
  process.exit(2);
}

try {
  console.log(JSON.stringify(parse(input).map(question)));
} catch (err) {
  if (!(err instanceof GiftSyntaxError)) throw err;
  console.log(
    JSON.stringify({
      error: err.message,
      line: err.location?.start.line ?? null,
      column: err.location?.start.column ?? null,
      found: err.found,
      expected: (err.expected ?? []).map((e) => e.text ?? e.description ?? e.type),
    }),
  );
  process.exit(1);
}
