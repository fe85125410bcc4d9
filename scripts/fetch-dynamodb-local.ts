/**
 * Fetches AWS's DynamoDB Local (the jar that ships inside the `amplify-dynamodb-simulator` npm
 * package) into `.cache/dynamodb-local/`, once. Only the package tarball is fetched, through
 * npm itself, not its dependency tree. Run before `npm run test:ddb-local`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = '2.9.30';
const root = join(import.meta.dirname, '..');
const target = join(root, '.cache', 'dynamodb-local');
const jar = join(target, 'DynamoDBLocal.jar');

if (existsSync(jar)) {
  console.log(`DynamoDB Local already in ${target}`);
  process.exit(0);
}

const work = join(root, '.cache', `dynamodb-local-${process.pid}`);
mkdirSync(work, { recursive: true });
try {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['pack', `amplify-dynamodb-simulator@${VERSION}`, '--silent'], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack produced no tarball');
  execFileSync('tar', ['xzf', tarball, 'package/emulator'], { cwd: work });
  rmSync(target, { recursive: true, force: true });
  renameSync(join(work, 'package', 'emulator'), target);
  console.log(`DynamoDB Local ${VERSION} unpacked into ${target}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
