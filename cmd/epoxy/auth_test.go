package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// authCredentials is the credentials file of the authenticated servers.
const authCredentials = `# accepted keys
[alice]
aws_access_key_id = AKIDALICE
aws_secret_access_key = alice-secret

[ci]
aws_access_key_id=AKIDCI
aws_secret_access_key=ci-secret
region = us-east-1
`

// setupAuth starts Epoxy with --auth sigv4 and the keys of authCredentials;
// its client signs as alice.
func setupAuth(t *testing.T) *testBundle {
	t.Helper()
	cfg := testConfig(t)
	cfg.Auth, cfg.CredentialsFile = authSigV4, filepath.Join(t.TempDir(), "credentials")
	require.NoError(t, os.WriteFile(cfg.CredentialsFile, []byte(authCredentials), 0o600))
	b := setupWith(t, cfg)
	b.client = clientAs(b.url, "AKIDALICE", "alice-secret")
	return b
}

func clientAs(url, id, secret string, opts ...func(*glue.Options)) *glue.Client {
	return glue.New(glue.Options{BaseEndpoint: aws.String(url), Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, "")}, opts...)
}

// skewedSigner signs as if the clock were off by skew: a replayed request.
type skewedSigner struct {
	skew time.Duration
	v4   *v4.Signer
}

func (s skewedSigner) SignHTTP(ctx context.Context, c aws.Credentials, r *http.Request, hash, svc, region string, at time.Time, o ...func(*v4.SignerOptions)) error {
	return s.v4.SignHTTP(ctx, c, r, hash, svc, region, at.Add(s.skew), o...)
}

// authCase is one row of the authentication matrix.
type authCase struct {
	name, code string
	do         func() error
}

func TestAuthSDKMatrix(t *testing.T) {
	b := setupAuth(t)
	ctx := context.Background()
	_, err := b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("signed")})
	require.NoError(t, err)
	list := func(c *glue.Client) func() error {
		return func() error { _, err := c.ListWorkflows(ctx, &glue.ListWorkflowsInput{}); return err }
	}
	cases := []authCase{
		{"right key (alice)", "", list(b.client)},
		{"right key (ci)", "", list(clientAs(b.url, "AKIDCI", "ci-secret"))},
		{"wrong secret", "InvalidSignatureException", list(clientAs(b.url, "AKIDALICE", "not-alices"))},
		{"unknown key", "UnrecognizedClientException", list(clientAs(b.url, "AKIDMALLORY", "alice-secret"))},
		{"replayed after 16 minutes", "InvalidSignatureException", list(clientAs(b.url, "AKIDALICE", "alice-secret",
			func(o *glue.Options) { o.HTTPSignerV4 = skewedSigner{-16 * time.Minute, v4.NewSigner()} }))},
		{"signed 16 minutes ahead", "InvalidSignatureException", list(clientAs(b.url, "AKIDALICE", "alice-secret",
			func(o *glue.Options) { o.HTTPSignerV4 = skewedSigner{16 * time.Minute, v4.NewSigner()} }))},
		{"unsigned", "MissingAuthenticationTokenException", list(glue.New(glue.Options{BaseEndpoint: aws.String(b.url),
			Region: "us-east-1", Credentials: aws.AnonymousCredentials{}}))},
	}
	runAuthCases(t, cases)
	_, err = clientAs(b.url, "AKIDALICE", "alice-secret", func(o *glue.Options) {
		o.HTTPSignerV4 = skewedSigner{-16 * time.Minute, v4.NewSigner()}
	}).GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String("signed")})
	requireCode(t, err, "InvalidSignatureException", "Signature expired")
}

// runAuthCases runs each case, checks its outcome and logs the matrix.
func runAuthCases(t *testing.T, cases []authCase) {
	t.Helper()
	for _, c := range cases {
		err := c.do()
		if c.code == "" {
			require.NoError(t, err, c.name)
		} else {
			requireCode(t, err, c.code)
		}
		t.Logf("%-32s -> %s", c.name, map[bool]string{true: "accepted", false: "rejected " + c.code}[c.code == ""])
	}
}

// signedRequest returns a ListWorkflows request signed as alice for
// service at now.
func signedRequest(t *testing.T, url, service string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSGlue.ListWorkflows")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: "AKIDALICE", SecretAccessKey: "alice-secret"}
	require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()))
	return req
}

// sendRaw sends req and returns the status and the AWS error code.
func sendRaw(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var e struct {
		Type string `json:"__type"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&e)
	return resp.StatusCode, e.Type
}

func TestAuthTamperedRequests(t *testing.T) {
	b := setupAuth(t)
	body := []byte(`{"MaxResults":5}`)
	rows := []struct {
		name, code string
		req        func() *http.Request
	}{
		{"untouched", "", func() *http.Request { return signedRequest(t, b.url, "glue", body) }},
		{"tampered body", "InvalidSignatureException", func() *http.Request {
			r := signedRequest(t, b.url, "glue", body)
			r.Body, r.ContentLength = readCloser(`{"MaxResults":6}`), int64(len(body))
			return r
		}},
		{"tampered header", "InvalidSignatureException", func() *http.Request {
			r := signedRequest(t, b.url, "glue", body)
			r.Header.Set("X-Amz-Target", "AWSGlue.ListJobs")
			return r
		}},
		{"scoped to another service", "InvalidSignatureException", func() *http.Request { return signedRequest(t, b.url, "s3", body) }},
		{"declared payload hash is wrong", "InvalidSignatureException", func() *http.Request {
			r := signedRequest(t, b.url, "glue", body)
			r.Header.Set("X-Amz-Content-Sha256", strings.Repeat("0", 64))
			return r
		}},
		{"malformed Authorization", "IncompleteSignatureException", func() *http.Request {
			r := signedRequest(t, b.url, "glue", body)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDALICE")
			return r
		}},
	}
	for _, row := range rows {
		status, code := sendRaw(t, row.req())
		require.Equal(t, row.code, code, row.name)
		want := http.StatusOK
		if row.code != "" {
			want = http.StatusBadRequest
		}
		require.Equal(t, want, status, row.name)
		t.Logf("%-32s -> %d %s", row.name, status, code)
	}
}

func readCloser(s string) *readCloserString { return &readCloserString{strings.NewReader(s)} }

type readCloserString struct{ *strings.Reader }

func (readCloserString) Close() error { return nil }

// TestAuthJobsSignWithServiceKey runs a job that calls Glue with boto3 from
// its own environment: with --auth sigv4 it gets Epoxy's service key,
// which the server accepts, and never a configured key.
func TestAuthJobsSignWithServiceKey(t *testing.T) {
	requireBoto3(t)
	b := setupAuth(t)
	script := pyScript(t, t.TempDir(), "whoami", `import os, boto3
assert os.environ["AWS_ACCESS_KEY_ID"].startswith("EPOXY"), os.environ["AWS_ACCESS_KEY_ID"]
assert "alice" not in os.environ["AWS_SECRET_ACCESS_KEY"]
boto3.client("glue").get_job_run(JobName="whoami", RunId=os.environ["EPOXY_JOB_RUN_ID"])
print("signed call accepted")
`)
	scriptJob(t, b, "whoami", script)
	out, err := b.client.StartJobRun(context.Background(), &glue.StartJobRunInput{JobName: aws.String("whoami")})
	require.NoError(t, err)
	waitJobRunState(t, b, "whoami", aws.ToString(out.JobRunId), types.JobRunStateSucceeded, runWait)
}

func requireBoto3(t *testing.T) {
	t.Helper()
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("python3 with boto3 is not installed")
	}
}

// clientEnv is the environment of a boto3 or AWS CLI process signing with
// the given key against url.
func clientEnv(url, id, secret string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env, "AWS_ACCESS_KEY_ID="+id, "AWS_SECRET_ACCESS_KEY="+secret, "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_ENDPOINT_URL="+url, "AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=")
}

const boto3AuthScript = `import sys, boto3, botocore.exceptions
c = boto3.client("glue")
try:
    c.create_workflow(Name=sys.argv[1])
    c.get_workflow(Name=sys.argv[1])
    c.list_workflows()
    c.delete_workflow(Name=sys.argv[1])
    print("accepted")
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"])
`

func TestAuthBoto3AndCLI(t *testing.T) {
	requireBoto3(t)
	b := setupAuth(t)
	boto3 := func(id, secret string) func() (string, error) {
		return func() (string, error) {
			cmd := exec.Command("python3", "-c", boto3AuthScript, "wf-"+strings.ToLower(id))
			cmd.Env = clientEnv(b.url, id, secret)
			out, err := cmd.CombinedOutput()
			return strings.TrimSpace(string(out)), err
		}
	}
	rows := []struct {
		name, want string
		run        func() (string, error)
	}{
		{"boto3 right key", "accepted", boto3("AKIDALICE", "alice-secret")},
		{"boto3 wrong secret", "InvalidSignatureException", boto3("AKIDALICE", "wrong")},
		{"boto3 unknown key", "UnrecognizedClientException", boto3("AKIDNOBODY", "alice-secret")},
	}
	if _, err := exec.LookPath("aws"); err == nil {
		cli := func(id, secret string) func() (string, error) {
			return func() (string, error) {
				cmd := exec.Command("aws", "glue", "list-workflows", "--output", "json")
				cmd.Env = clientEnv(b.url, id, secret)
				out, err := cmd.CombinedOutput()
				if err == nil {
					return "accepted", nil
				}
				return string(out), nil
			}
		}
		rows = append(rows, []struct {
			name, want string
			run        func() (string, error)
		}{
			{"AWS CLI right key", "accepted", cli("AKIDCI", "ci-secret")},
			{"AWS CLI wrong secret", "InvalidSignatureException", cli("AKIDCI", "wrong")},
			{"AWS CLI unknown key", "UnrecognizedClientException", cli("AKIDNOBODY", "ci-secret")},
		}...)
	}
	for _, row := range rows {
		out, err := row.run()
		require.NoError(t, err, "%s: %s", row.name, out)
		require.Contains(t, out, row.want, row.name)
		t.Logf("%-32s -> %s", row.name, row.want)
	}
}

func TestParseServeFlagsAuth(t *testing.T) {
	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"--auth", "sigv4"}, "--auth sigv4 needs --credentials"},
		{[]string{"--auth", "basic"}, "--auth must be none or sigv4"},
		{[]string{"--credentials", "f"}, "--credentials is used only with --auth sigv4"},
		{[]string{"--addr", "0.0.0.0:0"}, "without authentication"},
		{[]string{"--metrics-addr", "nope"}, "--metrics-addr must be host:port"},
	} {
		_, err := parseServeFlags(c.args, &bytes.Buffer{})
		require.ErrorContains(t, err, c.err, fmt.Sprint(c.args))
	}
	cfg, err := parseServeFlags([]string{"--addr", "0.0.0.0:0", "--auth", "sigv4", "--credentials", "f"}, &bytes.Buffer{})
	require.NoError(t, err, "a non-loopback address with authentication needs no --insecure-no-auth")
	require.Equal(t, authSigV4, cfg.Auth)
}

// Ensure `epoxy notify-event` signs with the configured AWS credentials, so
// it works against a server with --auth sigv4, and without credentials is
// refused as any unsigned request is.
func TestAuthNotifyEventSigned(t *testing.T) {
	b := setupAuth(t)
	eventWorkflow(t, b, "on-event", nil)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	var out bytes.Buffer
	err := notifyEventCmd(context.Background(), []string{"--endpoint", b.url, "--workflow", "on-event", "--event-id", "e-1"}, &out, &out)
	require.ErrorContains(t, err, "MissingAuthenticationTokenException")

	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDCI")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "ci-secret")
	require.NoError(t, notifyEventCmd(context.Background(), []string{"--endpoint", b.url, "--workflow", "on-event", "--event-id", "e-1"}, &out, &out))
	require.Len(t, workflowRuns(t, b, "on-event"), 1, "the signed event started a run")
}
