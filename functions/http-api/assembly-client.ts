import { InvokeCommand, type InvokeCommandInput } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { MrvError } from '../../core/errors.ts';
import type { AssemblyAnswer, AssemblyPort } from '../assemble-report/request.ts';

/** The assembly function's name or ARN, set by the stack (infra/constructs/console-api.ts). */
export const ASSEMBLY_FUNCTION_ENV = 'MRV_ASSEMBLY_FUNCTION';

/** The slice of the SDK's LambdaClient this needs (tests pass a fake). */
export interface LambdaInvoker {
  send(command: InvokeCommand): Promise<{ readonly Payload?: Uint8Array; readonly FunctionError?: string; readonly StatusCode?: number }>;
}

/** The assembly function failed (FunctionError: it threw, timed out or ran out of memory), or answered something else than an answer: a system fault. */
export class AssemblyFunctionFailed extends MrvError {
  override name = 'AssemblyFunctionFailed';
  constructor(detail: string) {
    super('assembly.function_failed', `The assembly function failed: ${detail}`, { expose: false });
  }
}

const Report = z.looseObject({ problems: z.array(z.string()) });
/** What the API reads of an answer (functions/assemble-report/request.ts AssemblyAnswer); the report itself is passed on as the function wrote it. */
const AnswerSchema = z.discriminatedUnion('outcome', [
  z.looseObject({ outcome: z.enum(['queued', 'existing', 'refused']), report: Report }),
  z.looseObject({ outcome: z.literal('invalid'), error: z.string(), code: z.string() }),
  z.looseObject({ outcome: z.enum(['recorded', 'unregistered']) }),
]);

/**
 * The assembly function, invoked synchronously (RequestResponse) with this function's role, the only
 * principal its resource policy names. Its answer is returned as it is; a FunctionError (or an answer
 * that is not one) is thrown as {@link AssemblyFunctionFailed}, which the API answers with 500.
 */
export function lambdaAssembly(lambda: LambdaInvoker, functionName: string): AssemblyPort {
  return async (event) => {
    const input: InvokeCommandInput = {
      FunctionName: functionName,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    };
    const out = await lambda.send(new InvokeCommand(input));
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    // The payload of a failed invocation is Lambda's error object (errorType, errorMessage): logged by the API, never shown to the caller.
    if (out.FunctionError) throw new AssemblyFunctionFailed(`${out.FunctionError} ${text.slice(0, 2000)}`);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new AssemblyFunctionFailed(`an answer that is not JSON (status ${out.StatusCode ?? '?'}): ${text.slice(0, 200)}`);
    }
    const parsed = AnswerSchema.safeParse(raw);
    if (!parsed.success)
      throw new AssemblyFunctionFailed(
        `an answer that is not an assembly answer: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    return parsed.data as AssemblyAnswer;
  };
}
