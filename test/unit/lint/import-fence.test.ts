// The lint fence that keeps core/ and methodologies/ pure, checked on probe files: every path form of an
// import from the floors above (functions/, cli/, infra/) and every impure module is an error, while the
// same imports from functions/ and cli/ themselves, and core's own imports, stay allowed.
import { ESLint } from 'eslint';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function restricted(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: resolve(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const upward = [
  "import { x } from '../../functions/ingest-upload/ingest.ts';",
  "import { x } from '../functions/shared/resources.ts';",
  "import { x } from './../../cli/main.ts';",
  "import { x } from '../../infra/config.ts';",
  "import { x } from '#functions/shared/resources';",
  "import { x } from '/work/anywhere/functions/record-decision/record.ts';",
  "export { x } from '../../cli/render.ts';",
];
const impure = ["import { S3Client } from '@aws-sdk/client-s3';", "import { readFile } from 'node:fs/promises';", "import { Stack } from 'aws-cdk-lib';"];

describe('the import fence of core/ and methodologies/', () => {
  for (const file of ['core/calculation/probe.ts', 'methodologies/probe/1.0.0/methodology.ts']) {
    it.each(upward)(`${file}: %s is refused`, async (line) => {
      expect(await restricted(file, `${line}\nexport const y = x;\n`)).not.toEqual([]);
    });
    it.each(impure)(`${file}: %s is refused`, async (line) => {
      expect(await restricted(file, `${line}\n`)).not.toEqual([]);
    });
  }

  it('core importing core, and functions/ importing functions/, are allowed', async () => {
    expect(await restricted('core/calculation/probe.ts', "import { MrvError } from '../errors.ts';\nexport const e = MrvError;\n")).toEqual([]);
    expect(await restricted('functions/shared/probe.ts', "import { x } from '../ingest-upload/ingest.ts';\nexport const y = x;\n")).toEqual([]);
  });
});

describe('a methodology module imports core/ only through the authoring entry point', () => {
  const file = 'methodologies/probe/1.0.0/methodology.ts';
  it.each([
    "import { defineMethodology } from '#core/methodology/define-methodology';",
    "import { calculate } from '#core/calculation/calculate';",
    "import { MrvError } from '#core/errors';",
    "import { x } from '../../../core/methodology/columns.ts';",
    "import { x } from '../../../core/errors.ts';",
    "import { x } from '/anywhere/core/gases/gwp.ts';",
  ])('%s is refused', async (line) => {
    expect(await restricted(file, `${line}\nexport const y = x;\n`)).toEqual([expect.stringMatching(/authoring entry point/)]);
  });
  it('the authoring entry point, zod and decimal.js are allowed; a module test may import anything', async () => {
    expect(
      await restricted(
        file,
        "import { defineMethodology, column } from '#core/methodology/authoring';\nimport { z } from 'zod';\nimport Decimal from 'decimal.js';\nexport const y = [defineMethodology, column, z, Decimal];\n",
      ),
    ).toEqual([]);
    expect(await restricted(file, "import { x } from '../../../core/methodology/authoring.ts';\nexport const y = x;\n")).toEqual([]);
    expect(
      await restricted(
        'methodologies/probe/1.0.0/methodology.test.ts',
        "import { calculate } from '#core/calculation/calculate';\nexport const y = calculate;\n",
      ),
    ).toEqual([]);
    expect(await restricted('methodologies/index.ts', "import { loadRegistry } from '#core/methodology/registry';\nexport const y = loadRegistry;\n")).toEqual(
      [],
    );
  });
});
