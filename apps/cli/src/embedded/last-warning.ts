import { z } from 'zod';
import { shorten } from '../output/terminal-units';

/** The fields of a pino line that say what went wrong; anything else in the line is ignored. */
const warningLineSchema = z.object({
  level: z.number(),
  msg: z.string().optional(),
  stage: z.string().optional(),
  reason: z.string().optional(),
  err: z.object({ message: z.string().optional() }).optional(),
});

/** pino's warn level; error and fatal are above it. */
const WARN_LEVEL = 40;
/** The last warning is at most this long: a hint on the progress line, the log file has it all. */
export const LAST_WARNING_WIDTH = 80;
/** Less room than this for the detail, and only the stage and message are kept. */
const MIN_DETAIL_WIDTH = 12;

/**
 * Remembers the last warning or error a logger wrote, as one short line (`critique:toxicity:
 * llm call failed, retrying: … HTTP 429 …`), for the progress display to show while the full
 * line goes to the log file.
 */
export class LastWarning {
  private last: string | undefined;

  get text(): string | undefined {
    return this.last;
  }

  /** Looks at one line as pino writes it (JSON); lines below warn, or not JSON, are skipped. */
  observe(line: string): void {
    // Cheap test first: most lines are below warn and need no parsing.
    if (!/"level":\s*[4-6]\d/.test(line)) return;
    let parsed: z.infer<typeof warningLineSchema>;
    try {
      parsed = warningLineSchema.parse(JSON.parse(line));
    } catch {
      return;
    }
    if (parsed.level < WARN_LEVEL) return;
    const head = [parsed.stage, parsed.msg]
      .map((part) => squeeze(part ?? ''))
      .filter((part) => part.length > 0)
      .join(': ');
    const detail = squeeze(parsed.err?.message ?? parsed.reason ?? '');
    // What went wrong and where is kept whole; the detail gets what room is left.
    const room = LAST_WARNING_WIDTH - head.length - 2;
    this.last = detail && room >= MIN_DETAIL_WIDTH ? `${head}: ${shorten(detail, room)}` : head || undefined;
  }
}

function squeeze(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
