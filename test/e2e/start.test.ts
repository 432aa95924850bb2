/**
 * `mrv start`: in-process through main()/the command with captured output. `--once` on free ports and
 * in-memory DynamoDB; the interactive mode with free ports, a state folder in a temp dir, and a
 * stop condition in place of Ctrl-C.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeStartCommand } from '../../cli/commands/start.ts';
import type { Io } from '../../cli/commands/types.ts';
import { pollUntil } from '../../cli/local-stack/poll.ts';
import { listSamples } from '../../cli/local-stack/samples.ts';
import { mrv } from '../helpers/cli.ts';
import { sample } from '../helpers/local-stack.ts';

function captureIo(cwd: string): { io: Io; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), errIsTTY: false, cwd, env: { ...process.env } },
    out: () => out,
    err: () => err,
  };
}

describe('mrv start', () => {
  it('--once prints an outcome for every sample file and the review queue, then exits 0', async () => {
    const samples = await listSamples();
    const r = await mrv(['start', '--once']);
    expect(r.code, r.err).toBe(0);
    for (const s of samples) {
      for (const file of s.files)
        expect(r.out).toMatch(
          new RegExp(`^uploads/${s.projectId}/${basename(file).replace(/\./g, '\\.')}: (ACCEPTED|REJECTED|NOT APPLICABLE) \\(upload [0-9a-f]{32}\\)`, 'm'),
        );
    }
    expect(r.out).toContain('Review queue (mrv review list):');
    expect(r.out).toMatch(/ER = BE − PE − LE = /);
    expect(r.out).toMatch(/problems \(\d+\):\n {4}error {3}\S+ {2}.*(row \d+|column \w+)/);
    expect(r.out).toMatch(/^\d+ sample files: \d+ accepted, \d+ rejected/m);
    // The README shows this output (trimmed): every line it quotes, but for ids and the time taken, is printed as it stands.
    const readme = readFileSync('README.md', 'utf8');
    const block = /What `npm start -- --once` prints.*\n+```\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'the README quotes the output of npm start -- --once').toBeDefined();
    const quoted = block!
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('…') && !l.startsWith('Local stack:'))
      .map((l) => l.replace(/\s+…$/, ''));
    expect(quoted.length).toBeGreaterThan(10);
    const printed = r.out.split('\n');
    const norm = (l: string) => l.replace(/[0-9a-f]{32}/g, '<id>').replace(/ — [\d.]+ s\.$/, ' — <time>.');
    for (const line of quoted)
      expect(
        printed.some((p) => norm(p).startsWith(norm(line))),
        `README line not printed: ${line}`,
      ).toBe(true);
  });

  it('interactive: prints export lines that point mrv at the stack, and shows an upload from "another terminal"', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mrv-start-'));
    const c = captureIo(cwd);
    let uploadOut = '';
    const command = makeStartCommand({
      async untilStopped() {
        // What a user copies from the output into another terminal.
        const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
        for (const m of c.out().matchAll(/^ {2}export (\w+)=(\S+)$/gm)) env[m[1]!] = m[2]!;
        // AWS CLI v1 reads AWS_DEFAULT_REGION only and has no AWS_ENDPOINT_URL: both are catered for.
        expect(c.out()).toMatch(/^ {2}aws --endpoint-url http:\/\/127\.0\.0\.1:\d+ s3 ls /m);
        expect(c.out()).toMatch(/^ {2}aws --endpoint-url http:\/\/127\.0\.0\.1:\d+ dynamodb list-tables$/m);
        expect(env.AWS_DEFAULT_REGION).toBe(env.AWS_REGION);
        expect(Object.keys(env)).toEqual(
          expect.arrayContaining([
            'AWS_ENDPOINT_URL',
            'AWS_ENDPOINT_URL_DYNAMODB',
            'AWS_REGION',
            'AWS_DEFAULT_REGION',
            'AWS_ACCESS_KEY_ID',
            'MONITORING_BUCKET_NAME',
            'REVIEW_QUEUE_URL',
            'DECISION_QUEUE_URL',
            'SUBMISSIONS_TABLE_NAME',
            'LEDGER_TABLE_NAME',
            'PROJECTS_TABLE_NAME',
          ]),
        );
        // A new file from a site (one more reading than the sample): validated and printed by the running stack.
        const file = join(cwd, 'site-upload.csv');
        writeFileSync(
          file,
          `${readFileSync(sample('uploads', 'solar-rajasthan-in', '2016-04-01_07-15min.csv'), 'utf8').trimEnd()}\n2016-04-08T05:30:00+05:30,0.100,0.000\n`,
        );
        const up = await mrv(['upload', 'solar-rajasthan-in', file], { env, cwd });
        uploadOut = up.out + up.err;
        await pollUntil(
          async () => /^uploads\/solar-rajasthan-in\/site-upload\.csv: ACCEPTED \(upload [0-9a-f]{32}\) — waiting for review/m.test(c.out()) || undefined,
          { deadline: Date.now() + 120_000, what: 'the new upload to be printed' },
        );
        // A verifier's decision is printed too.
        const id = /^uploads\/wind-tamil-nadu-in\/2023-07-01_10-hourly\.csv: ACCEPTED \(upload ([0-9a-f]{32})\)/m.exec(c.out())![1]!;
        // As the operator (the export lines) a decision is refused; with the printed verifier line it is recorded.
        const verifierLine = /^ {2}verifier +AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)/m.exec(c.out());
        expect(verifierLine, 'the verifier identity is printed').not.toBeNull();
        const asVerifier = { ...env, AWS_ACCESS_KEY_ID: verifierLine![1]!, AWS_SECRET_ACCESS_KEY: verifierLine![2]! };
        expect((await mrv(['review', 'approve', id, '--verifier', 'A. Auditor'], { env: asVerifier, cwd })).code).toBe(0);
        await pollUntil(async () => /^Decision on [0-9a-f]{32} \(wind-tamil-nadu-in\) by Vera Verifier: APPROVED — ledger #1/m.test(c.out()) || undefined, {
          deadline: Date.now() + 120_000,
          what: 'the decision to be printed',
        });
        // The notification of that decision, as subscribers of the topic get it on AWS.
        await pollUntil(
          async () => c.out().includes(`[notification] decision-recorded (wind-tamil-nadu-in): Decision on ${id.slice(0, 12)}: approval recorded`) || undefined,
          { deadline: Date.now() + 30_000, what: 'the notification to be printed' },
        );
        // The console: one sign-in link per local identity, on 127.0.0.1 only.
        expect(c.out()).toMatch(/^Review console and HTTP API: http:\/\/127\.0\.0\.1:\d+\/ /m);
        for (const who of ['verifier', 'checker', 'other-verifier', 'site.wind-tamil-nadu-in'])
          expect(c.out()).toMatch(new RegExp(`^ {2}${who.replace('.', '\\.')} +.*: http://127\\.0\\.0\\.1:\\d+/#token=[\\w-]+$`, 'm'));
      },
    });
    const code = await command.run(['--port', '0'], c.io);
    expect(code, c.err()).toBe(0);
    expect(uploadOut).toContain('Uploaded s3://mrv-monitoring-local/uploads/solar-rajasthan-in/site-upload.csv');
    expect(c.out()).toContain('Stopping the local stack.');
    expect(readdirSync(join(cwd, '.mrv'))).toEqual(['dynamodb']); // state on disk; the pid lock is released
  });
});
