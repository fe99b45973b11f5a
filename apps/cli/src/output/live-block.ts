import { shorten } from './terminal-units';

const CLEAR_TO_END = '\u001b[0J';
const CLEAR_LINE_END = '\u001b[0K';
const cursorUp = (lines: number) => `\r\u001b[${lines}A`;

/**
 * A block of lines redrawn in place on a terminal (progress, `status --follow`): each render
 * moves the cursor back to the block's first line and writes over the old block. Lines are cut
 * to the terminal's width and the block to its height, since a wrapped or scrolled-off line
 * would make the next redraw land in the wrong place.
 */
export class LiveBlock {
  private drawnLines = 0;

  constructor(private readonly output: NodeJS.WriteStream) {}

  render(lines: readonly string[]): void {
    const width = Math.max(20, (this.output.columns || 100) - 1);
    const height = Math.max(2, (this.output.rows || 50) - 1);
    const shown =
      lines.length > height
        ? [...lines.slice(0, height - 1), `… ${lines.length - height + 1} more lines`]
        : lines;
    // The cursor stays visible: a process killed mid-block (Ctrl-C on `status --follow`) must
    // not leave the terminal without one.
    let text = this.drawnLines === 0 ? '' : cursorUp(this.drawnLines);
    // Each line overwrites the old one and clears what is left of it, then whatever the old
    // block had below the new one is cleared. Never the whole screen at once: no flicker, and
    // terminals that keep a cleared screen in their history (tmux's scroll-on-clear) keep none.
    text += shown.map((line) => `${shorten(line, width)}${CLEAR_LINE_END}\n`).join('');
    text += CLEAR_TO_END;
    this.output.write(text);
    this.drawnLines = shown.length;
  }

  /** Leaves the last block on screen, the cursor below it; the next render starts a new block. */
  done(): void {
    this.drawnLines = 0;
  }
}
