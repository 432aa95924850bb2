import type { SplitDeps, SplitOutput } from './steps.ts';

let deps: SplitDeps | undefined;

/**
 * EventBridge carries the object key as it is (S3's notifications to SQS URL-encode it, `+` for a space);
 * the ingest pre-checks read the notification form, so the key is encoded the same way first.
 */
export const notificationKey = (key: string): string => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');

/** Split step of the large-upload state machine; its input is the S3 "Object Created" event from EventBridge. */
export const handler = async (event: { readonly detail: { readonly object: { readonly key: string } } }): Promise<SplitOutput> => {
  deps ??= (await import('./deps.ts')).createSplitDeps();
  const { splitUpload } = await import('./steps.ts');
  return splitUpload(deps, notificationKey(event.detail.object.key));
};
