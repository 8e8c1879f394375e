#!/usr/bin/env node
/* global process, console, fetch, AbortSignal, Buffer -- Node globals: this script runs under plain Node */
/**
 * Installs the Guard engine (cfn-guard 3.1.1) into .tools/bin/cfn-guard for packsmith's Guard checks
 * and tests. The binaries come from the npm registry package @cdklabs/cdk-validator-cfnguard@0.0.62
 * (bin/<os>/<arch>/cfn-guard); packsmith does not depend on it (its aws-cdk-lib peer dependency is
 * not wanted), so this script downloads that exact tarball, checks its sha512 integrity against the
 * value pinned below (`npm view @cdklabs/cdk-validator-cfnguard@0.0.62 dist.integrity`), and extracts
 * the one binary for this platform. Plain Node, no dependencies. Idempotent: a present binary that
 * reports the pinned version is kept.
 *
 * Usage: node scripts/install-cfn-guard.mjs [--force]
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const PACKAGE = '@cdklabs/cdk-validator-cfnguard';
const PACKAGE_VERSION = '0.0.62';
const TARBALL = `https://registry.npmjs.org/${PACKAGE}/-/cdk-validator-cfnguard-${PACKAGE_VERSION}.tgz`;
const INTEGRITY =
  'sha512-Sg2k8067B0AIJ82QFSLhHTUIqxOYTKABvVrTHiyc6j0rE2NHli2diIYqf+w+DkuDKCYYgMIOga3OrYMOHUw0mQ==';
const GUARD_VERSION = '3.1.1';
/** The tarball is about 12 MB; anything far larger is not the pinned file. */
const MAX_TARBALL_BYTES = 64 * 1024 * 1024;
/** Refuse any tar entry larger than this (the biggest binary is about 10 MB). */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.tools', 'bin', 'cfn-guard');

function binaryEntry() {
  const os = { linux: 'ubuntu', darwin: 'macos' }[process.platform];
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch];
  if (!os || !arch) {
    throw new Error(`no cfn-guard binary for ${process.platform}/${process.arch} in ${PACKAGE}`);
  }
  return `package/bin/${os}/${arch}/cfn-guard`;
}

function installedVersion(file) {
  try {
    return execFileSync(file, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
  } catch {
    return undefined;
  }
}

async function download(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(300_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_TARBALL_BYTES) throw new Error(`${url}: ${declared} bytes is over the bound`);
  const chunks = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > MAX_TARBALL_BYTES) throw new Error(`${url}: over ${MAX_TARBALL_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function verify(data) {
  const [algorithm, expected] = INTEGRITY.split(/-(.*)/s);
  const actual = createHash(algorithm).update(data).digest('base64');
  if (actual !== expected) {
    throw new Error(`${TARBALL}: integrity mismatch (expected ${INTEGRITY}, got ${algorithm}-${actual})`);
  }
}

/** Reads one regular file out of a ustar archive: 512-byte headers, each followed by its data. */
export function extractEntry(tar, wanted) {
  let offset = 0;
  let longName;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start, length) => {
      const raw = header.subarray(start, start + length);
      const end = raw.indexOf(0);
      return raw.subarray(0, end === -1 ? length : end).toString('utf8');
    };
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    if (!Number.isFinite(size) || size < 0 || size > MAX_ENTRY_BYTES) {
      throw new Error(`tar entry ${name}: size ${size} is over the ${MAX_ENTRY_BYTES}-byte bound`);
    }
    if (name.split('/').includes('..') || name.startsWith('/')) {
      throw new Error(`tar entry ${JSON.stringify(name)}: refused (leads outside the archive)`);
    }
    const start = offset + 512;
    const data = tar.subarray(start, start + size);
    if (data.length !== size) throw new Error(`tar entry ${name}: truncated`);
    if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
    else if ((type === '0' || type === '\0') && name === wanted) return data;
    offset = start + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${wanted} is not in the archive`);
}

async function main() {
  const force = process.argv.includes('--force');
  if (!force && existsSync(target)) {
    const version = installedVersion(target);
    if (version?.includes(GUARD_VERSION)) {
      console.log(`${version} (already installed: ${target})`);
      return;
    }
  }
  const entry = binaryEntry();
  const tarball = await download(TARBALL);
  verify(tarball);
  const tar = gunzipSync(tarball, { maxOutputLength: MAX_UNPACKED_BYTES });
  const binary = extractEntry(tar, entry);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(`${target}.tmp`, binary);
  chmodSync(`${target}.tmp`, 0o755);
  renameSync(`${target}.tmp`, target);
  const version = installedVersion(target);
  if (!version?.includes(GUARD_VERSION)) {
    throw new Error(`${target} does not report cfn-guard ${GUARD_VERSION} (${version ?? 'no output'})`);
  }
  console.log(`${version} (installed: ${target})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(`install-cfn-guard: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
