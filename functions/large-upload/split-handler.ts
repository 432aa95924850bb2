import type { SplitDeps, SplitOutput } from './steps.ts';

let deps: SplitDeps | undefined;

/** Split step of the large-upload state machine; its input is the S3 "Object Created" event from EventBridge. */
export const handler = async (event: { readonly detail: { readonly object: { readonly key: string } } }): Promise<SplitOutput> => {
  deps ??= (await import('./deps.ts')).createSplitDeps();
  const { splitUpload } = await import('./steps.ts');
  return splitUpload(deps, event.detail.object.key);
};
