#!/usr/bin/env node
// Validates a SARIF file against the official SARIF 2.1.0 JSON Schema (draft-04), with the npm
// packages that .ci/setup installs.
//
//   node tests/schema/validate-sarif.js NPM_PREFIX FILE.sarif
//
// NPM_PREFIX is the directory whose node_modules holds ajv-draft-04, ajv-formats and
// @microsoft/jest-sarif (build/npm). Prints "valid" and exits 0 when FILE is valid; prints the
// schema errors and exits 1 when it is not; exits 2 when it cannot run at all.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

function fail(message) {
    process.stderr.write(`validate-sarif: ${message}\n`);
    process.exit(2);
}

if (process.argv.length !== 4) fail('usage: node validate-sarif.js NPM_PREFIX FILE.sarif');
const prefix = path.resolve(process.argv[2]);
const file = process.argv[3];

const schemaPath = path.join(
    prefix, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
let Ajv04;
let addFormats;
try {
    const requireFromPrefix = createRequire(path.join(prefix, 'package.json'));
    Ajv04 = requireFromPrefix('ajv-draft-04');
    addFormats = requireFromPrefix('ajv-formats');
} catch (e) {
    fail(`cannot load ajv-draft-04 and ajv-formats from ${prefix}: run .ci/setup (${e.message})`);
}
if (Ajv04.default) Ajv04 = Ajv04.default;
if (addFormats.default) addFormats = addFormats.default;

let schema;
try {
    schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
} catch (e) {
    fail(`cannot read the SARIF schema ${schemaPath}: run .ci/setup (${e.message})`);
}

let document;
try {
    document = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
    process.stdout.write(`invalid: ${file} is not JSON: ${e.message}\n`);
    process.exit(1);
}

const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);
if (validate(document)) {
    process.stdout.write('valid\n');
    process.exit(0);
}
process.stdout.write(`invalid: ${file}\n`);
for (const error of validate.errors) {
    process.stdout.write(
        `  ${error.instancePath || '/'}: ${error.message} ${JSON.stringify(error.params)}\n`);
}
process.exit(1);
