// Judge for Secrets.Client.Local's variable expansion: prints dotenv.parse + dotenv-expand of a file.
// Only environment variables whose names start with JUDGE_ are visible to the expansion, so that the
// result does not depend on the machine. Usage: node tests/judges/dotenv/expand.mjs <file>
import fs from 'node:fs';
import dotenv from 'dotenv';
import { expand } from 'dotenv-expand';

const file = process.argv[2];
if (!file) {
  console.error('usage: expand.mjs <file>');
  process.exit(2);
}

const processEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('JUDGE_')));
const { parsed } = expand({ parsed: dotenv.parse(fs.readFileSync(file)), processEnv });
process.stdout.write(JSON.stringify(parsed));
