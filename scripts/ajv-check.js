// ajv-check.js SCHEMA DATA...: compile a JSON Schema (draft 2020-12) with ajv, as editors using
// yaml-language-server do, and validate each DATA file (JSON) against it. Exit 0: all valid;
// 1: a DATA file is invalid (its errors on stdout, one per line); 2: the schema does not compile.
// Needs the npm packages ajv (8) and ajv-formats on NODE_PATH. Used by schema/ajv_test.go.
"use strict";
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const [schemaFile, ...dataFiles] = process.argv.slice(2);
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
let validate;
try {
  validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, "utf8")));
} catch (e) {
  console.log(`${schemaFile}: schema does not compile: ${e.message}`);
  process.exit(2);
}
let failed = false;
for (const f of dataFiles) {
  if (!validate(JSON.parse(fs.readFileSync(f, "utf8")))) {
    failed = true;
    for (const e of validate.errors) {
      console.log(`${f}: ${e.instancePath || "/"}: ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
}
process.exit(failed ? 1 : 0);
