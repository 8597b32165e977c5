// Judge for Secrets.Client.Local's .env parser: prints what the npm `dotenv` package parses from a file.
// Usage: node tests/judges/dotenv/parse.mjs <file>
import fs from 'node:fs';
import dotenv from 'dotenv';

const file = process.argv[2];
if (!file) {
  console.error('usage: parse.mjs <file>');
  process.exit(2);
}

process.stdout.write(JSON.stringify(dotenv.parse(fs.readFileSync(file))));
