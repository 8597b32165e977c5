// Judge for Secrets.Client.Local's .env parser: prints what the npm `dotenv` package parses from a file.
// Usage: node tests/judges/dotenv/parse.mjs <file>            prints one JSON object
//        node tests/judges/dotenv/parse.mjs <file> <file>...  prints a JSON array, one object per file
import fs from 'node:fs';
import dotenv from 'dotenv';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: parse.mjs <file>...');
  process.exit(2);
}

const results = files.map((file) => dotenv.parse(fs.readFileSync(file)));
process.stdout.write(JSON.stringify(files.length === 1 ? results[0] : results));
