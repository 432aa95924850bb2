// Builds the stack for CDK assertion tests: the same feature flags as `cdk synth` (read from cdk.json), bundling
// skipped (toolchain.md §1), and a stub handler entry so the tests do not depend on the handlers' source.
import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseStageConfig } from '../../infra/config.ts';
import { MrvPipelineStack } from '../../infra/stacks/mrv-pipeline-stack.ts';

export const STUB_HANDLER = fileURLToPath(new URL('./fixtures/stub-handler.ts', import.meta.url));

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };

/** An App with cdk.json's context (feature flags, stage) and esbuild bundling switched off. */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...cdkJson.context, ...context, 'aws:cdk:bundling-stacks': [] } });
}

export function buildStack(config: Record<string, unknown> = {}, app: App = testApp()): MrvPipelineStack {
  return new MrvPipelineStack(app, 'MrvPipeline-test', {
    config: parseStageConfig(config),
    handlerEntries: {
      ingestUpload: STUB_HANDLER,
      recordDecision: STUB_HANDLER,
      largeUploadSplit: STUB_HANDLER,
      largeUploadRange: STUB_HANDLER,
      largeUploadMerge: STUB_HANDLER,
      assembleReport: STUB_HANDLER,
      httpApi: STUB_HANDLER,
    },
  });
}

/** The logical id CloudFormation will see for a construct's L1 resource. */
export function logicalIdOf(construct: IConstruct): string {
  const stack = Stack.of(construct);
  const cfn = construct.node.defaultChild ?? construct;
  return stack.resolve((cfn as unknown as { logicalId: string }).logicalId) as string;
}

export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Every statement granted to a role: its inline policies plus every AWS::IAM::Policy attached to it. */
export function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatement[] {
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const role = resources[roleLogicalId];
  if (!role || role.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not a role in the template`);
  const documents: { Statement: PolicyStatement[] }[] = [];
  for (const inline of (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: PolicyStatement[] } }[]) documents.push(inline.PolicyDocument);
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties.Roles ?? []) as unknown[];
    if (roles.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId }))) {
      documents.push(resource.Properties.PolicyDocument as { Statement: PolicyStatement[] });
    }
  }
  return documents.flatMap((d) => d.Statement);
}

export const actionsOf = (s: PolicyStatement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: PolicyStatement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** Allowed actions whose resource references `logicalId` (its ARN, its indexes, or its objects). */
export function allowedActionsOn(statements: readonly PolicyStatement[], logicalId: string, resourceSuffix?: string): string[] {
  return statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) =>
      resourcesOf(s)
        .filter((r) => JSON.stringify(r).includes(`"${logicalId}"`) && (resourceSuffix === undefined || JSON.stringify(r).includes(`"${resourceSuffix}"`)))
        .flatMap(() => actionsOf(s)),
    )
    .filter((a, i, all) => all.indexOf(a) === i)
    .sort();
}
