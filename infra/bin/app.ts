// The CDK app: stage config from context, one stack, cdk-nag packs as synthesis-time validation plugins.
// `npx cdk synth --no-notices` (cdk.json runs this file with tsx).
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readStageConfig, stackEnvironment } from '../config.ts';
import { MrvPipelineStack } from '../stacks/mrv-pipeline-stack.ts';

const app = new App();
const config = readStageConfig(app.node);

new MrvPipelineStack(app, `MrvPipeline-${config.stage}`, {
  config,
  env: stackEnvironment(config, process.env),
  description: `MRV pipeline (${config.stage}): monitoring uploads, validation, calculation, verification and ledger`,
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }), new ServerlessChecks(app, { verbose: true }));
