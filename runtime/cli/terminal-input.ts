/** What a command reads answers from: a terminal (prompted, secrets not echoed) or piped lines. */
export interface InputStream extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/**
 * Answers one at a time. On a terminal each is prompted on `prompts` (stderr), a hidden one read
 * with echo off; otherwise they are the lines of the input, in order, read once it is needed.
 */
export class TerminalInput {
  #lines: Promise<string[]> | undefined;
  #next = 0;

  constructor(
    private readonly input: InputStream,
    private readonly prompts: NodeJS.WritableStream,
  ) {}

  async ask(prompt: string, options: { readonly hidden?: boolean } = {}): Promise<string> {
    if (this.input.isTTY && this.input.setRawMode) return this.#prompt(prompt, options.hidden === true);
    const lines = await (this.#lines ??= readLines(this.input));
    const line = lines[this.#next++];
    if (line === undefined) throw new Error(`${prompt.replace(/:\s*$/, '')}: no more input lines`);
    return line;
  }

  #prompt(prompt: string, hidden: boolean): Promise<string> {
    const { input, prompts } = this;
    prompts.write(prompt);
    input.setRawMode?.(true);
    input.setEncoding('utf8');
    input.resume();
    return new Promise((resolve, reject) => {
      let value = '';
      const finish = () => {
        input.off('data', onData);
        input.setRawMode?.(false);
        input.pause();
        prompts.write('\n');
      };
      const onData = (chunk: string | Buffer) => {
        for (const char of String(chunk)) {
          if (char === '\r' || char === '\n' || char === '\u0004') {
            finish();
            resolve(value);
            return;
          }
          if (char === '\u0003') {
            finish();
            reject(new Error('cancelled'));
            return;
          }
          if (char === '\u007f' || char === '\b') {
            if (value.length > 0 && !hidden) prompts.write('\b \b');
            value = value.slice(0, -1);
          } else {
            value += char;
            if (!hidden) prompts.write(char);
          }
        }
      };
      input.on('data', onData);
    });
  }
}

async function readLines(input: NodeJS.ReadableStream): Promise<string[]> {
  let text = '';
  for await (const chunk of input) text += String(chunk);
  return text.split(/\r?\n/).filter((line, i, all) => line !== '' || i < all.length - 1);
}
