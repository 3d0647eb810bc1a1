// Epoxy compatibility check through the AWS SDK for JavaScript v3: the
// exception classes a JS user catches are the ones Epoxy's answers decode
// to. Model-constraint violations are the SDK's ValidationException in AWS's
// words; the service's own rules stay InvalidInputException; a missing
// bookmark is EntityNotFoundException; an operation Epoxy does not implement
// is UnknownOperationException naming it.
//
// Runs against $EPOXY_ENDPOINT (see ../run.sh). Prints "ok - <desc>" or
// "not ok - <desc>" per check and, last, "js: N passed, M failed"; exits 0
// only when nothing failed.

import assert from "node:assert/strict";
import {
  CreateJobCommand,
  CreateTriggerCommand,
  CreateWorkflowCommand,
  EntityNotFoundException,
  GetJobBookmarkCommand,
  GetConnectionCommand,
  GetWorkflowCommand,
  GlueClient,
  GlueServiceException,
  InvalidInputException,
  ValidationException,
} from "@aws-sdk/client-glue";

const endpoint = process.env.EPOXY_ENDPOINT;
const prefix = `js-${process.pid}-${Date.now().toString(36)}`;
const role = "arn:aws:iam::123456789012:role/GlueRole";
let passed = 0;
let failed = 0;

const client = new GlueClient({
  endpoint,
  region: process.env.AWS_DEFAULT_REGION || "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 1,
});

// rejects runs command and returns the error it fails with.
async function rejects(command) {
  try {
    await client.send(command);
  } catch (err) {
    return err;
  }
  throw new Error(`${command.constructor.name} succeeded; an error was expected`);
}

async function check(desc, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${desc}`);
  } catch (err) {
    failed++;
    console.log(`not ok - ${desc}`);
    for (const line of String(err && err.stack ? err.stack : err).split("\n")) {
      console.log(`# ${line}`);
    }
  }
}

// requireError asserts err is an instance of cls named name, a client fault
// with HTTP 400, and carries exactly message.
function requireError(err, cls, name, message) {
  assert.ok(err instanceof cls, `${err && err.name} is not a ${cls.name}`);
  assert.ok(err instanceof GlueServiceException);
  assert.equal(err.name, name);
  assert.equal(err.$fault, "client");
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.equal(err.message, message);
}

async function main() {
  if (!endpoint) {
    console.log("not ok - EPOXY_ENDPOINT is set (see compat/run.sh)");
    console.log("js: 0 passed, 1 failed");
    return 1;
  }
  const job = `${prefix}-job`;
  await client.send(new CreateJobCommand({ Name: job, Role: role, Command: { Name: "pythonshell", ScriptLocation: "/x.py" } }));

  await check("a pattern violation is ValidationException in AWS's words", async () => {
    const err = await rejects(new CreateWorkflowCommand({ Name: "a\nb" }));
    requireError(err, ValidationException, "ValidationException",
      "1 validation error detected: Value 'a\nb' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: " +
      "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*");
  });
  await check("a missing member is ValidationException: Value null at 'name'", async () => {
    const err = await rejects(new GetWorkflowCommand({}));
    requireError(err, ValidationException, "ValidationException",
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
  });
  await check("an enum in a list element names predicate.conditions.1.member.logicalOperator", async () => {
    const err = await rejects(new CreateTriggerCommand({
      Name: `${prefix}-t1`, Type: "CONDITIONAL", Actions: [{ JobName: job }],
      Predicate: { Conditions: [{ LogicalOperator: "NOPE", JobName: job, State: "SUCCEEDED" }] },
    }));
    requireError(err, ValidationException, "ValidationException",
      "1 validation error detected: Value 'NOPE' at 'predicate.conditions.1.member.logicalOperator' failed to satisfy constraint: " +
      "Member must satisfy enum value set: [EQUALS]");
  });
  await check("a service rule stays InvalidInputException", async () => {
    const err = await rejects(new CreateTriggerCommand({ Name: `${prefix}-t2`, Type: "CONDITIONAL", Actions: [{ JobName: job }] }));
    assert.ok(err instanceof InvalidInputException, `${err.name} is not an InvalidInputException`);
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.match(err.message, /Predicate/);
  });
  await check("a job without a bookmark is EntityNotFoundException", async () => {
    const err = await rejects(new GetJobBookmarkCommand({ JobName: job }));
    requireError(err, EntityNotFoundException, "EntityNotFoundException", `Continuation for job ${job} not found`);
  });
  await check("an operation Epoxy does not implement is UnknownOperationException naming it", async () => {
    const err = await rejects(new GetConnectionCommand({ Name: "conn" }));
    assert.ok(err instanceof GlueServiceException);
    assert.equal(err.name, "UnknownOperationException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.message,
      'Epoxy does not implement the Glue operation GetConnection ("AWSGlue.GetConnection"); `epoxy help operations` lists the operations it serves');
  });
  console.log(`js: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.log(`not ok - the suite crashed: ${err && err.stack ? err.stack : err}`);
  console.log(`js: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
