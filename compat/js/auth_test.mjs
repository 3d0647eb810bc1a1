// Epoxy with `--auth sigv4` through the AWS SDK for JavaScript v3: the SDK's
// own SigV4 signing with a key of the credentials file is accepted on every
// operation used; a wrong secret is InvalidSignatureException and an unknown
// key UnrecognizedClientException, as AWS answers them.
//
// Runs against $EPOXY_AUTH_ENDPOINT, a server started with the key
// AKIDJS / js-secret (see ../auth_test.sh). Prints "ok - <desc>" or
// "not ok - <desc>" per check and, last, "auth-js: N passed, M failed".

import assert from "node:assert/strict";
import {
  CreateWorkflowCommand,
  DeleteWorkflowCommand,
  GetWorkflowCommand,
  GlueClient,
  ListWorkflowsCommand,
  StartWorkflowRunCommand,
} from "@aws-sdk/client-glue";

const endpoint = process.env.EPOXY_AUTH_ENDPOINT;
const name = `js-auth-${process.pid}`;
let passed = 0;
let failed = 0;

const client = (accessKeyId, secretAccessKey) =>
  new GlueClient({ endpoint, region: "us-east-1", credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });

async function check(desc, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${desc}`);
  } catch (err) {
    failed++;
    console.log(`not ok - ${desc}`);
    for (const line of String(err && err.stack ? err.stack : err).split("\n")) console.log(`# ${line}`);
  }
}

async function rejected(c, command) {
  try {
    await c.send(command);
  } catch (err) {
    return err;
  }
  throw new Error("the request was accepted; a rejection was expected");
}

const right = client("AKIDJS", "js-secret");

await check("the right key: CreateWorkflow, GetWorkflow, ListWorkflows, StartWorkflowRun, DeleteWorkflow", async () => {
  await right.send(new CreateWorkflowCommand({ Name: name }));
  const got = await right.send(new GetWorkflowCommand({ Name: name }));
  assert.equal(got.Workflow.Name, name);
  const list = await right.send(new ListWorkflowsCommand({}));
  assert.ok(list.Workflows.includes(name));
  const run = await right.send(new StartWorkflowRunCommand({ Name: name }));
  assert.match(run.RunId, /^wr_/);
  await right.send(new DeleteWorkflowCommand({ Name: name }));
});

await check("a wrong secret is InvalidSignatureException (HTTP 400)", async () => {
  const err = await rejected(client("AKIDJS", "not-the-secret"), new ListWorkflowsCommand({}));
  assert.equal(err.name, "InvalidSignatureException");
  assert.equal(err.$metadata.httpStatusCode, 400);
});

await check("an unknown key is UnrecognizedClientException", async () => {
  const err = await rejected(client("AKIDNOBODY", "whatever"), new ListWorkflowsCommand({}));
  assert.equal(err.name, "UnrecognizedClientException");
  assert.match(err.message, /security token included in the request is invalid/);
});

console.log(`auth-js: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
