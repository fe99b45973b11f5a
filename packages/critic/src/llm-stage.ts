import type { ChatMessage } from '@parley/llm';
import type { z } from 'zod';

/**
 * One LLM step of the Critic, as STYLE.md wants it: a name, what it reads and what the model
 * must answer (zod), a pure prompt builder and a pure parser. The panel makes the call.
 */
export interface LlmStage<Input, Output, Result> {
  /** Usage-accounting stage name, e.g. `critique:faithfulness`, `select:depth`. */
  readonly name: string;
  /** Short schema name sent to the provider, e.g. `faithfulness_verdict`. */
  readonly schemaName: string;
  readonly inputSchema: z.ZodType<Input>;
  readonly outputSchema: z.ZodType<Output>;
  buildPrompt(input: Input): ChatMessage[];
  /** Turns the model's object into a result; throws UnparseableVerdictError when it makes no sense. */
  parse(output: Output, input: Input): Result;
}
