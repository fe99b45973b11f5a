// Measures writeRelease and verifyRelease on a synthetic run (no data file is committed):
//   npx tsx bench/release-benchmark.ts [conversations=20000] [iterations=3]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifyRelease } from '../apps/scheduler/src/release/verify-release';
import { writeRelease } from '../apps/scheduler/src/release/write-release';
import {
  syntheticConfig,
  syntheticReleaseInput,
  writeSyntheticWorkFiles,
} from '../test/support/synthetic-run';

const conversations = Number(process.argv[2] ?? 20_000);
const iterations = Number(process.argv[3] ?? 3);
// Seven pairs in ten are accepted in a synthetic run (see test/support/synthetic-run.ts).
const pairsPerIteration = Math.ceil(conversations / iterations / 0.7);
const runFolder = await mkdtemp(path.join(tmpdir(), 'parley-release-benchmark-'));
try {
  const runId = 'benchmark-run';
  let started = performance.now();
  const run = await writeSyntheticWorkFiles({
    runFolder,
    runId,
    iterations,
    pairsPerIteration,
    keepRecords: false,
  });
  const generateMs = performance.now() - started;
  const input = syntheticReleaseInput(
    runFolder,
    runId,
    syntheticConfig({ iterations, pairs: pairsPerIteration }),
    run.facts,
  );

  started = performance.now();
  const manifest = await writeRelease(input);
  const writeMs = performance.now() - started;
  started = performance.now();
  const again = await writeRelease(input);
  const rewriteMs = performance.now() - started;
  started = performance.now();
  const verification = await verifyRelease(runFolder);
  const verifyMs = performance.now() - started;

  const megabytes = manifest.files.reduce((sum, file) => sum + file.bytes, 0) / 1e6;
  console.log(
    JSON.stringify(
      {
        conversations: manifest.totals.candidates.accepted,
        rejectedLines: run.rejectedLines,
        releaseMegabytes: Number(megabytes.toFixed(1)),
        syntheticWorkFilesMs: Math.round(generateMs),
        writeReleaseMs: Math.round(writeMs),
        secondWriteReleaseMs: Math.round(rewriteMs),
        identicalManifest: JSON.stringify(again) === JSON.stringify(manifest),
        verifyReleaseMs: Math.round(verifyMs),
        verified: verification.ok,
        peakRssMegabytes: Math.round(process.resourceUsage().maxRSS / 1024),
      },
      null,
      2,
    ),
  );
} finally {
  await rm(runFolder, { recursive: true, force: true });
}
